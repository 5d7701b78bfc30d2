-- Finding: a foreign key from a protected chart table to another protected table, on a
-- column other than the client's, without a link rule. Foreign keys are checked past
-- every policy: a writer could point a row at a hidden client's row, and tell a hidden
-- row from a missing one by the error.
create view sequester.doctor_unguarded_link as
select
  'error'::text as severity,
  'unguarded link between charts'::text as finding,
  format('%s.%s', c.conrelid::regclass, a.attname) as object,
  format('%s (%s) references the protected table %s', c.conrelid::regclass, a.attname,
    c.confrelid::regclass) as detail,
  format('select sequester.protect_link(%L, %L);', c.conrelid::regclass::text, a.attname) as fix
from pg_constraint c
join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
join sequester.protected_table source on source.relid = c.conrelid and source.kind = 'chart'
join sequester.protected_table target on target.relid = c.confrelid
where c.contype = 'f'
  and array_length(c.conkey, 1) = 1
  and a.attname <> source.key_column
  and not a.attname = any (source.link_columns);
