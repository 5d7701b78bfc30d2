-- Undoes the reference schema (if it was installed): the rules come off first, charts
-- before clients.
select sequester.unprotect(p.relid)
from sequester.protected_table p
where p.relid::regclass::text like 'ehr.%'
  and p.parent is null
order by p.kind = 'clients', p.relid::text;

drop schema if exists ehr cascade;
-- The role ehr_user belongs to the cluster and stays, as the package roles do.
