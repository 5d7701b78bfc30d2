-- What protect_clients, protect_chart and unprotect share: checking a table can be
-- protected, remembering its row-level-security state, and removing our policies.

-- Every policy this package creates, by name (each under PostgreSQL's 63-byte limit);
-- unprotect removes exactly these. The rules' names begin with "0" on purpose:
-- PostgreSQL applies restrictive policies in the order of their names, and only the
-- first is sure to run before a caller's cheap leakproof condition (SECURITY.md), so
-- the package's must come before any a host application adds.
create function sequester.policy_names() returns text[]
language sql
immutable
parallel safe
begin atomic
  select array[
    'rows are visible unless a sequester hides them',
    '0 sequestered clients are hidden from unapproved staff',
    '0 only approved staff change a sequestered client',
    '0 only approved staff delete a sequestered client',
    '0 sequestered charts are hidden from unapproved staff'
  ];
end;

create function sequester.check_protectable(p_table regclass, p_column name, p_types name[])
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  column_type name;
begin
  if p_table is null or p_column is null then
    raise exception 'a table and a column are required'
      using errcode = 'null_value_not_allowed',
        hint = 'Call it as sequester.protect_chart(''schema.table'', ''client_id'').';
  end if;

  if (select c.relkind from pg_class c where c.oid = p_table) not in ('r', 'p') then
    raise exception '% is not a table', p_table
      using errcode = 'wrong_object_type',
        hint = 'Protect the tables under a view; a view over them is then protected too.';
  end if;

  select t.typname into column_type
  from pg_attribute a
  join pg_type t on t.oid = a.atttypid
  where a.attrelid = p_table and a.attname = p_column and a.attnum > 0 and not a.attisdropped;

  if column_type is null then
    raise exception 'table % has no column %', p_table, p_column
      using errcode = 'undefined_column',
        hint = 'Name the column that holds the client ID.';
  end if;
  if not column_type = any (p_types) then
    raise exception 'column % of % is %, not an integer client ID', p_column, p_table, column_type
      using errcode = 'datatype_mismatch',
        hint = 'Client IDs are integers (smallint, integer or bigint).';
  end if;
end;
$$;

-- Records the table and turns row-level security on, forced, so that the table's owner
-- is bound too. A table that had no policies of its own gets a permissive baseline,
-- since restrictive policies alone admit nothing.
create function sequester.register_protected(
  p_table regclass,
  p_kind text,
  p_column name,
  p_parent regclass default null
) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  was_enabled boolean;
  was_forced boolean;
begin
  select c.relrowsecurity, c.relforcerowsecurity into was_enabled, was_forced
  from pg_class c
  where c.oid = p_table;

  insert into sequester.protected_table
    (relid, kind, key_column, parent, rls_was_enabled, rls_was_forced)
  values (p_table, p_kind, p_column, p_parent, was_enabled, was_forced)
  on conflict (relid) do update set key_column = excluded.key_column
  where protected_table.kind = excluded.kind;

  if not found then
    raise exception '% is already protected as a % table', p_table,
        (select kind from sequester.protected_table where relid = p_table)
      using errcode = 'object_not_in_prerequisite_state',
        hint = format('Run sequester.unprotect(%L) first.', p_table);
  end if;

  execute format('alter table %s enable row level security', p_table);
  execute format('alter table %s force row level security', p_table);

  if not (select p.rls_was_enabled from sequester.protected_table p where p.relid = p_table)
    and not exists (
      select 1 from pg_policy
      where polrelid = p_table and polname = (sequester.policy_names())[1]
    ) then
    execute format(
      'create policy %I on %s as permissive for all using (true) with check (true)',
      (sequester.policy_names())[1], p_table);
  end if;
end;
$$;

-- Every partition and inheritance child under a table, at any depth.
create function sequester.descendants(p_table regclass) returns setof regclass
language sql
stable
begin atomic
  with recursive tree (relid) as (
    select i.inhrelid from pg_catalog.pg_inherits i where i.inhparent = p_table
    union
    select i.inhrelid from pg_catalog.pg_inherits i join tree t on i.inhparent = t.relid
  )
  select relid::regclass from tree;
end;

-- Protects the partitions and inheritance children of a protected table that are not
-- yet protected: a query that names a partition does not pass through the parent's
-- policies. protect_clients and protect_chart call it, and so does an event trigger
-- after every CREATE TABLE and ALTER TABLE, for partitions made or attached later.
create function sequester.protect_descendants(p_root regclass) returns integer
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  root sequester.protected_table;
  child regclass;
  protected_count integer := 0;
begin
  select * into root from sequester.protected_table where relid = p_root;
  for child in
    select d from sequester.descendants(p_root) d
    where not exists (select 1 from sequester.protected_table p where p.relid = d)
  loop
    -- The ALTER TABLEs below fire the event trigger again, which may have got here first.
    continue when exists (select 1 from sequester.protected_table p where p.relid = child);
    perform sequester.register_protected(child, root.kind, root.key_column, p_root);
    if root.kind = 'clients' then
      perform sequester.attach_clients_policies(child, root.key_column);
    else
      perform sequester.attach_chart_policies(child, root.key_column);
    end if;
    protected_count := protected_count + 1;
  end loop;
  return protected_count;
end;
$$;

create function sequester.protect_new_partitions() returns event_trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  clients sequester.protected_table;
begin
  perform sequester.protect_descendants(p.relid)
  from sequester.protected_table p
  where p.parent is null;

  -- The visibility tests name the clients table in their text: after the table or its
  -- schema is renamed, make them again under the new name (until then every query on
  -- a protected table fails, and a new table under the old name would be asked).
  select * into clients from sequester.protected_table p
  where p.kind = 'clients' and p.parent is null;
  if found and obj_description(
    to_regprocedure('sequester.sees_chart(bigint, name)'), 'pg_proc'
  ) is distinct from clients.relid::text then
    perform sequester.define_visibility(clients.relid, clients.key_column);
  end if;
end;
$$;

create event trigger sequester_protect_new_partitions on ddl_command_end
  when tag in ('CREATE TABLE', 'ALTER TABLE', 'CREATE TABLE AS', 'SELECT INTO',
    'ALTER SCHEMA')
  execute function sequester.protect_new_partitions();

-- Whether a policy on a table is one of the package's rules (not the baseline).
create function sequester.is_rule_policy(p_name name) returns boolean
language sql
immutable
parallel safe
begin atomic
  select p_name = any ((sequester.policy_names())[2:]);
end;

-- Drops the package's rule policies on a table (not the baseline).
create function sequester.drop_policies(p_table regclass) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  policy_name name;
begin
  for policy_name in
    select polname from pg_policy
    where polrelid = p_table and sequester.is_rule_policy(polname)
  loop
    execute format('drop policy %I on %s', policy_name, p_table);
  end loop;
end;
$$;

-- Removes the package from a table (and from the partitions protected with it) and puts
-- its row-level security back as it was. The clients table goes last: chart policies
-- depend on its views.
create function sequester.unprotect(p_table regclass) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  entry sequester.protected_table;
  child regclass;
begin
  select * into entry from sequester.protected_table where relid = p_table;
  if not found then
    raise notice '% is not protected; nothing to do', p_table;
    return;
  end if;

  if entry.kind = 'clients' and entry.parent is null and exists (
    select 1 from sequester.protected_table where kind = 'chart' and parent is null
  ) then
    raise exception 'chart tables still depend on the clients table %: %', p_table,
        (select string_agg(p.relid::text, ', ' order by p.relid::text)
         from sequester.protected_table p where p.kind = 'chart' and p.parent is null)
      using errcode = 'dependent_objects_still_exist',
        hint = 'Unprotect each of them first: select sequester.unprotect(relid) from '
          || 'sequester.protected_table where kind = ''chart'' and parent is null;';
  end if;

  -- Forget the table first: the ALTER TABLEs below fire the event trigger that protects
  -- the partitions of every registered table, which must not protect them again.
  delete from sequester.protected_table where relid = p_table;
  for child in select p.relid from sequester.protected_table p where p.parent = p_table loop
    perform sequester.unprotect(child);
  end loop;

  perform sequester.drop_policies(p_table);
  execute format('drop policy if exists %I on %s', (sequester.policy_names())[1], p_table);
  if not entry.rls_was_forced then
    execute format('alter table %s no force row level security', p_table);
  end if;
  if not entry.rls_was_enabled then
    execute format('alter table %s disable row level security', p_table);
  end if;

  if entry.kind = 'clients' and entry.parent is null then
    alter table sequester.client_access drop constraint if exists client_access_client_fk;
    perform sequester.define_visibility(null, null);
    execute format('revoke select on %s from sequester_definer', p_table);
    execute format('revoke usage on schema %I from sequester_definer',
      (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.oid = p_table));
  end if;
end;
$$;

revoke execute on function sequester.check_protectable(regclass, name, name[]) from public;
revoke execute on function sequester.register_protected(regclass, text, name, regclass)
  from public;
revoke execute on function sequester.protect_descendants(regclass) from public;
revoke execute on function sequester.protect_new_partitions() from public;
revoke execute on function sequester.drop_policies(regclass) from public;
revoke execute on function sequester.is_rule_policy(name) from public;
revoke execute on function sequester.unprotect(regclass) from public;
