-- Undoes the reference schema: the rules come off first, charts before clients.
select sequester.unprotect(p.relid)
from sequester.protected_table p
where p.relid::regclass::text like 'ehr.%'
  and p.parent is null
order by p.kind = 'clients', p.relid::text;

drop schema ehr cascade;
-- The role ehr_user belongs to the cluster and stays, as the package roles do.
