-- Undoes the package: every protected table gets its own row-level security back, then
-- the schema goes.
select sequester.unprotect(p.relid)
from sequester.protected_table p
where p.parent is null
order by p.kind = 'clients', p.relid::text;

drop schema sequester cascade;

-- The package roles belong to the cluster and other databases may rely on them (a
-- policy there names sequester_locked_search), so they stay. The README says how to
-- drop them once no database uses the package.
