-- Finding: a view over a protected table that runs as a superuser or a BYPASSRLS role.
-- A view reads its tables with its owner's rights, so such a view shows every row to
-- whoever may select from it. PostgreSQL 15's security_invoker views are safe.
create view sequester.doctor_view_bypasses_policies as
select distinct
  'error'::text as severity,
  'view bypasses the policies'::text as finding,
  v.oid::regclass::text as object,
  format('view %s reads %s as %s, who bypasses row level security', v.oid::regclass,
    d.refobjid::regclass, owner.rolname) as detail,
  format('alter view %s set (security_invoker = true);', v.oid::regclass) as fix
from pg_class v
join pg_rewrite r on r.ev_class = v.oid
join pg_depend d on d.objid = r.oid and d.classid = 'pg_rewrite'::regclass
  and d.refclassid = 'pg_class'::regclass
join sequester.protected_table p on p.relid = d.refobjid
join pg_roles owner on owner.oid = v.relowner
where v.relkind in ('v', 'm')
  and (owner.rolsuper or owner.rolbypassrls)
  and v.relnamespace <> 'sequester'::regnamespace
  and not coalesce('security_invoker=true' = any (v.reloptions)
    or 'security_invoker=on' = any (v.reloptions), false);
