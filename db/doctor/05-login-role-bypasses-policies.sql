-- Finding: a role that can log in and is a superuser or has BYPASSRLS. It sees every
-- sequestered client; an application or a staff member should never connect as one.
create view sequester.doctor_login_role_bypasses_policies as
select
  'warning'::text as severity,
  'login role bypasses the policies'::text as finding,
  r.rolname::text as object,
  format('%s can log in and is %s', r.rolname,
    case when r.rolsuper then 'a superuser' else 'BYPASSRLS' end) as detail,
  case when r.rolsuper
    then 'Keep it for administration only; connect applications as an ordinary role.'
    else format('alter role %I nobypassrls;', r.rolname)
  end as fix
from pg_roles r
where r.rolcanlogin and (r.rolsuper or r.rolbypassrls);
