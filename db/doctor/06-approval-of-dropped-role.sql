-- Finding: an approval naming a role that was dropped. It grants nothing (roles are kept
-- by identity, and a new role of the same name is another role), but it clutters the
-- Client Access Details and hides who was meant.
create view sequester.doctor_approval_of_dropped_role as
select
  'notice'::text as severity,
  'approval of a dropped role'::text as finding,
  format('Sequence ID %s', s.client_access_id) as object,
  format('staff role with OID %s no longer exists', s.staff::oid) as detail,
  format('delete from sequester.client_access_staff where client_access_id = %s and staff = %s;',
    s.client_access_id, s.staff::oid) as fix
from sequester.client_access_staff s
where not exists (select 1 from pg_roles r where r.oid = s.staff::oid)
union all
select
  'notice', 'approval of a dropped role', format('Sequence ID %s', ur.client_access_id),
  format('user role with OID %s no longer exists', ur.user_role::oid),
  format('delete from sequester.client_access_role where client_access_id = %s and user_role = %s;',
    ur.client_access_id, ur.user_role::oid)
from sequester.client_access_role ur
where not exists (select 1 from pg_roles r where r.oid = ur.user_role::oid);
