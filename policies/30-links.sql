-- The rule for links between charts: a chart row that points at another protected row
-- through a foreign key (a note's encounter_id, say) may point only at a row its writer
-- can see, of the same client. A foreign key is checked past every policy, so without
-- this rule a staff member could attach a note to a hidden client's encounter, and tell
-- an existing hidden encounter from a missing one by the error they get. The check
-- becomes part of the table's one chart policy (policies/20-chart.sql).
create function sequester.protect_link(p_table regclass, p_column name)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  source sequester.protected_table;
  member regclass;
begin
  select * into source from sequester.protected_table where relid = p_table;
  if not found or source.kind <> 'chart' then
    raise exception '% is not a protected chart table', p_table
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'Run sequester.protect_chart on it first.';
  end if;

  if not exists (
    select 1
    from pg_constraint c
    join pg_attribute sa on sa.attrelid = c.conrelid and sa.attnum = c.conkey[1]
    join sequester.protected_table t on t.relid = c.confrelid
    where c.conrelid = p_table and c.contype = 'f' and array_length(c.conkey, 1) = 1
      and sa.attname = p_column
  ) then
    raise exception 'column % of % is no foreign key to a protected table', p_column, p_table
      using errcode = 'invalid_parameter_value',
        hint = 'Name a column with a foreign key to a protected chart table.';
  end if;

  -- The table and the partitions protected with it.
  for member in
    select p.relid from sequester.protected_table p
    where p.relid = p_table or p.parent = p_table
  loop
    update sequester.protected_table p
    set link_columns = array_append(p.link_columns, p_column)
    where p.relid = member and not p_column = any (p.link_columns);
    perform sequester.attach_chart_policies(member, source.key_column);
  end loop;
end;
$$;

revoke execute on function sequester.protect_link(regclass, name) from public;
