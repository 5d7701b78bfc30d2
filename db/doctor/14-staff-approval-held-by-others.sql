-- Finding: a staff approval whose role other roles have come to hold since it was
-- approved. Each holder may act as it (SET ROLE), so the approval of one person now
-- opens the chart to all of them. add_staff refuses such a role; a grant made later
-- gets past it, and this finds it.
create view sequester.doctor_staff_approval_held_by_others as
select
  'warning'::text as severity,
  'staff approval held by others'::text as finding,
  format('Sequence ID %s', s.client_access_id) as object,
  format('staff role %s is held by %s other roles, who may see this client', r.rolname,
    count(m.member)) as detail,
  format('select sequester.remove_staff(%s, %L);', s.client_access_id, r.rolname) as fix
from sequester.client_access_staff s
join pg_roles r on r.oid = s.staff::oid
join pg_auth_members m on m.roleid = r.oid
group by s.client_access_id, r.rolname;
