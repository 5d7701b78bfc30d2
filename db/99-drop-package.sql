-- Undoes the package: every protected table gets its own row-level security back, then
-- the schema goes. The roles belong to the cluster, so they are dropped only when no
-- other database still uses them.
select sequester.unprotect(p.relid)
from sequester.protected_table p
order by p.kind = 'clients', p.relid::text;

drop schema sequester cascade;

do $$
declare
  role_name text;
begin
  foreach role_name in array array[
    'sequester_break_glass', 'sequester_locked_search', 'sequester_auditor',
    'sequester_editor', 'sequester_viewer', 'sequester_definer'
  ]
  loop
    begin
      execute format('drop role if exists %I', role_name);
    exception when dependent_objects_still_exist then
      raise notice 'role % is still used in another database; kept', role_name;
    end;
  end loop;
end
$$;
