-- Finding: a table that references the protected clients table but is not protected.
-- Its rows belong to clients' charts, yet any staff member with table privileges reads
-- them all, sequestered clients included.
create view sequester.doctor_unprotected_chart_table as
select
  'error'::text as severity,
  'unprotected chart table'::text as finding,
  c.conrelid::regclass::text as object,
  format('%s references %s through %s but has no sequester policy',
    c.conrelid::regclass, c.confrelid::regclass, c.conname) as detail,
  format('select sequester.protect_chart(%L, %L);', c.conrelid::regclass::text,
    (select a.attname from pg_attribute a
     where a.attrelid = c.conrelid and a.attnum = c.conkey[1])) as fix
from pg_constraint c
join sequester.protected_table clients on clients.relid = c.confrelid
  and clients.kind = 'clients' and clients.parent is null
where c.contype = 'f'
  and array_length(c.conkey, 1) = 1
  and c.conrelid <> 'sequester.client_access'::regclass
  and not exists (select 1 from sequester.protected_table p where p.relid = c.conrelid);
