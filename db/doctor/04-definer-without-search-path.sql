-- Finding: a SECURITY DEFINER function without a fixed search_path. Whoever calls it can
-- put objects of their own first on the path and run them with the owner's rights.
-- A function with a SQL-standard body (begin atomic) is not one: its names were looked
-- up when it was made, and no search_path changes them afterwards.
create view sequester.doctor_definer_without_search_path as
select
  'warning'::text as severity,
  'security definer without search_path'::text as finding,
  f.oid::regprocedure::text as object,
  format('%s runs as %s with the caller''s search_path', f.oid::regprocedure,
    pg_get_userbyid(f.proowner)) as detail,
  format('alter function %s set search_path = pg_catalog, pg_temp;', f.oid::regprocedure)
    as fix
from pg_proc f
join pg_namespace n on n.oid = f.pronamespace
where f.prosecdef
  and f.prosqlbody is null
  and n.nspname not in ('pg_catalog', 'information_schema')
  and not exists (
    select 1 from unnest(coalesce(f.proconfig, '{}')) setting
    where setting like 'search_path=%'
  );
