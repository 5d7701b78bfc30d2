-- Finding: a staff approval whose role can no longer log in. add_staff takes login roles
-- only, since a role that cannot log in is a team whose members may all act as it; a
-- role altered to NOLOGIN afterwards gets past that, and this finds it.
create view sequester.doctor_staff_approval_of_a_team as
select
  'warning'::text as severity,
  'staff approval of a team'::text as finding,
  format('Sequence ID %s', s.client_access_id) as object,
  format('staff role %s cannot log in; the %s roles that hold it may see this client',
    r.rolname, (select count(*) from pg_auth_members m where m.roleid = r.oid)) as detail,
  format('select sequester.remove_staff(%s, %L);', s.client_access_id, r.rolname) as fix
from sequester.client_access_staff s
join pg_roles r on r.oid = s.staff::oid
where not r.rolcanlogin;
