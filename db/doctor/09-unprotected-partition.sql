-- Finding: a partition or inheritance child of a protected table that is not protected.
-- A query that names the partition skips its parent's policies. The package's event
-- trigger protects new partitions, so this means the trigger was disabled or dropped.
create view sequester.doctor_unprotected_partition as
select
  'error'::text as severity,
  'unprotected partition'::text as finding,
  d::text as object,
  format('%s is a partition of the protected table %s', d, p.relid) as detail,
  format('select sequester.protect_descendants(%L);', p.relid::text) as fix
from sequester.protected_table p
cross join lateral sequester.descendants(p.relid) d
where p.parent is null
  and not exists (select 1 from sequester.protected_table q where q.relid = d);
