-- Undoes the reference schema: the rules come off first, charts before clients.
select sequester.unprotect(p.relid)
from sequester.protected_table p
where p.relid::regclass::text like 'ehr.%'
order by p.kind = 'clients', p.relid::text;

drop schema ehr cascade;

do $$
begin
  drop role if exists ehr_user;
exception when dependent_objects_still_exist then
  raise notice 'role ehr_user is still used in another database; kept';
end
$$;
