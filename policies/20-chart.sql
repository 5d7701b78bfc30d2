-- The rule for chart tables (SPEC 3.4): a chart row is visible, and writable, only when
-- its client is not sequestered today or the role is approved. A listed-but-locked
-- searcher is not approved, so the chart stays shut to them. The same view as for the
-- clients table decides, so the two can never disagree.
create function sequester.attach_chart_policies(p_table regclass, p_client_column name)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
-- "drop policy if exists" would otherwise say, on every first call, that it skipped.
set client_min_messages = warning
as $$
declare
  links text := '';
  link name;
  target_table regclass;
  target_column name;
  target_client_column name;
begin
  -- One policy holds every rule of the table, the link rules of protect_link included:
  -- a second restrictive policy would take the first place in PostgreSQL's order.
  for link in
    select unnest(p.link_columns) from sequester.protected_table p where p.relid = p_table
  loop
    select t.relid, ta.attname, t.key_column into target_table, target_column, target_client_column
    from pg_constraint c
    join pg_attribute sa on sa.attrelid = c.conrelid and sa.attnum = c.conkey[1]
    join pg_attribute ta on ta.attrelid = c.confrelid and ta.attnum = c.confkey[1]
    join sequester.protected_table t on t.relid = c.confrelid
    where c.conrelid = p_table and c.contype = 'f' and array_length(c.conkey, 1) = 1
      and sa.attname = link;
    if target_table is not null then
      links := links || format(
        ' and (%1$s.%2$I is null or exists (select 1 from %3$s linked'
        ' where linked.%4$I = %1$s.%2$I and linked.%5$I = %1$s.%6$I))',
        p_table, link, target_table, target_column, target_client_column, p_client_column);
    end if;
  end loop;

  execute format('drop policy if exists %I on %s',
    '0 sequestered charts are hidden from unapproved staff', p_table);
  execute format($p$
    create policy "0 sequestered charts are hidden from unapproved staff" on %1$s
      as restrictive for all
      using (sequester.sees_chart(%1$s.%2$I))
      with check (sequester.sees_chart(%1$s.%2$I)%3$s)
  $p$, p_table, p_client_column, links);
end;
$$;

revoke execute on function sequester.attach_chart_policies(regclass, name) from public;

-- Attaches the rule to a chart table and its partitions; calling it again changes nothing.
create function sequester.protect_chart(p_table regclass, p_client_column name)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  referenced regclass;
begin
  perform sequester.check_protectable(p_table, p_client_column, array['int2', 'int4', 'int8']);

  if not exists (
    select 1 from sequester.protected_table where kind = 'clients' and parent is null
  ) then
    raise exception 'no clients table is protected yet'
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'Run sequester.protect_clients(table, id_column) before protect_chart.';
  end if;
  if exists (select 1 from sequester.protected_table where kind = 'clients' and relid = p_table)
  then
    raise exception '% is the protected clients table', p_table
      using errcode = 'invalid_parameter_value',
        hint = 'A clients table is protected with protect_clients, not protect_chart.';
  end if;

  -- A chart keyed to another table's IDs would be filtered by the wrong clients.
  select c.confrelid into referenced
  from pg_constraint c
  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
  where c.conrelid = p_table and c.contype = 'f' and array_length(c.conkey, 1) = 1
    and a.attname = p_client_column
    and c.confrelid <> (
      select p.relid from sequester.protected_table p
      where p.kind = 'clients' and p.parent is null
    )
  limit 1;
  if referenced is not null then
    raise exception 'column % of % references %, not the protected clients table %',
        p_client_column, p_table, referenced,
        (select p.relid from sequester.protected_table p
         where p.kind = 'clients' and p.parent is null)
      using errcode = 'invalid_foreign_key',
        hint = format('Protect %s with sequester.protect_clients first (one clients table '
          || 'per database; the README says how to remove the reference schema).', referenced);
  end if;

  perform sequester.register_protected(p_table, 'chart', p_client_column);
  perform sequester.attach_chart_policies(p_table, p_client_column);
  perform sequester.protect_descendants(p_table);
end;
$$;

revoke execute on function sequester.protect_chart(regclass, name) from public;
