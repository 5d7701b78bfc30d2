-- The rule for links between charts: a chart row that points at another protected row
-- through a foreign key (a note's encounter_id, say) may point only at a row its writer
-- can see, of the same client. A foreign key is checked past every policy, so without
-- this rule a staff member could attach a note to a hidden client's encounter, and tell
-- an existing hidden encounter from a missing one by the error they get.
create function sequester.protect_link(p_table regclass, p_column name)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
-- "drop policy if exists" would otherwise say, on every first call, that it skipped.
set client_min_messages = warning
as $$
declare
  source sequester.protected_table;
  target_table regclass;
  target_client_column name;
  target_column name;
  policy_name name := format('links through %s stay within the client', p_column);
begin
  select * into source from sequester.protected_table where relid = p_table;
  if not found or source.kind <> 'chart' then
    raise exception '% is not a protected chart table', p_table
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'Run sequester.protect_chart on it first.';
  end if;

  select t.relid, t.key_column, ta.attname into target_table, target_client_column, target_column
  from pg_constraint c
  join pg_attribute sa on sa.attrelid = c.conrelid and sa.attnum = c.conkey[1]
  join pg_attribute ta on ta.attrelid = c.confrelid and ta.attnum = c.confkey[1]
  join sequester.protected_table t on t.relid = c.confrelid
  where c.conrelid = p_table and c.contype = 'f' and array_length(c.conkey, 1) = 1
    and sa.attname = p_column;
  if not found then
    raise exception 'column % of % is no foreign key to a protected table', p_column, p_table
      using errcode = 'invalid_parameter_value',
        hint = 'Name a column with a foreign key to a protected chart table.';
  end if;
  if length(policy_name) > 63 then
    raise exception 'column name % is too long for a policy name', p_column
      using errcode = 'name_too_long',
        hint = 'Rename the column to at most 30 characters.';
  end if;

  -- The subquery runs under the writer's own rules on the target table, so a hidden row
  -- and a missing one are refused alike.
  execute format('drop policy if exists %I on %s', policy_name, p_table);
  execute format($p$
    create policy %1$I on %2$s
      as restrictive for all
      using (true)
      with check (
        %2$s.%3$I is null
        or exists (
          select 1 from %4$s linked
          where linked.%5$I = %2$s.%3$I and linked.%6$I = %2$s.%7$I
        )
      )
  $p$, policy_name, p_table, p_column, target_table, target_column, target_client_column,
    source.key_column);
end;
$$;

revoke execute on function sequester.protect_link(regclass, name) from public;
