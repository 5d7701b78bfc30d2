-- The rules for the clients table (SPEC 3.4) and the two tests every rule and every
-- package function consults: may this role open this client's chart, and does it find
-- this client in a search.
--
-- A policy runs with the privileges of the person querying, and staff must not read the
-- Client Access List, so each test runs as sequester_definer, which may read the list
-- and the clients table, with its search_path fixed. EXPLAIN shows a caller the call
-- and nothing of the plans inside it, so nothing of the list it reads. (An earlier
-- version read the list in a view granted to PUBLIC; EXPLAIN ANALYZE on the view showed
-- its reads of the list, past and future records of clients the caller could see
-- included.) Each test answers "no" for a
-- client the caller may not see and for an ID that does not exist alike: asking about
-- any ID tells a caller nothing they could not learn by selecting from the table.

-- Whether a record approves the role a statement acts for: as a listed staff member
-- whose approval has not expired, or as a member, direct or indirect, of a listed user
-- role. It runs as its owner because the caller may not read the list, so it learns the
-- caller from calling_role(); p_role is the caller's current_user, and when the two
-- differ (inside another owner's security definer function) it answers no. Only the
-- package's definer functions call it (db/08-grants.sql): its answer would tell a
-- caller only which records approve them, but the pages it reads to find out would
-- tell which records approve a team.
create function sequester.approves(p_client_access_id bigint, p_role name)
returns boolean
language plpgsql
stable
security definer
parallel safe
set search_path = pg_catalog, pg_temp
as $$
declare
  caller regrole := sequester.calling_role();
  held regrole;
begin
  if caller is null
    or caller::oid is distinct from (select r.oid from pg_roles r where r.rolname = p_role) then
    return false;
  end if;
  -- Every probe is keyed by what the caller is (their role, then each role they belong
  -- to), never by what the record holds: a record's other approvals are not read, so
  -- the pages read (EXPLAIN BUFFERS) for a hidden client do not count its teams. A
  -- loop of equality probes, not one query, so that no plan can read the record's
  -- approvals and filter them.
  if exists (
    select 1 from sequester.client_access_staff s
    where s.client_access_id = p_client_access_id and s.staff = caller
      and (s.expires_at is null or s.expires_at > statement_timestamp())
  ) then
    return true;
  end if;
  for held in
    with recursive member_of (role_id) as (
      select caller::oid
      union
      select m.roleid from pg_auth_members m join member_of o on m.member = o.role_id
    )
    select o.role_id::regrole from member_of o
  loop
    if exists (
      select 1 from sequester.client_access_role ur
      where ur.client_access_id = p_client_access_id and ur.user_role = held
    ) then
      return true;
    end if;
  end loop;
  return false;
end;
$$;

-- Whether the current role bypasses row-level security (a superuser, or BYPASSRLS), so
-- that open_chart agrees with what such a role can select. It is asked there, not in
-- the view: the policies never run for such a role, and every row pays for the view.
create function sequester.bypasses_rls() returns boolean
language plpgsql
stable
parallel safe
set search_path = pg_catalog, pg_temp
as $$
begin
  return exists (
    select 1 from pg_roles r where r.rolname = current_user and (r.rolsuper or r.rolbypassrls)
  );
end;
$$;

-- Whether p_role may open the chart of client p_client_id: the client exists and has no
-- record in force today that leaves p_role out. p_role is the caller's current_user
-- (sees_chart(bigint) passes it); approves() answers no when it is not the role the
-- statement acts for, so naming another role gets a caller nothing. Made, with the
-- clients table written in, when a clients table is protected; with none (before one
-- is protected, after it is unprotected) both tests exist and answer no, so that
-- everything depending on them can be made first. PL/pgSQL, so that their plans are
-- kept across statements (a SQL function is planned again in every transaction, which
-- doubled the cost of a lookup by ID).
create function sequester.define_visibility(p_clients regclass, p_key name)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  sees_body text := 'begin return false; end;';
  finds_body text := 'begin return false; end;';
begin
  if p_clients is not null then
    -- The definer reads the clients table by name when it plans its queries.
    execute format('grant usage on schema %I to sequester_definer',
      (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.oid = p_clients));

    sees_body := format($body$
    begin
      return exists (select 1 from %2$s c where c.%1$I = p_client_id)
        and not exists (
          select 1
          from sequester.client_access a
          where a.client_id = p_client_id
            and a.start_date <= sequester.today()
            -- The form of the index's third column (db/03-client-access.sql).
            and coalesce(a.end_date, 'infinity'::date) > sequester.today()
            and not sequester.approves(a.id, p_role)
        );
    end;
    $body$, p_key, p_clients);

    -- Whether p_role finds the client in a search: it may open the chart, or it is a
    -- member of sequester_locked_search (listed but locked) and the client exists. The
    -- membership counts only for the role the statement acts for, as approvals do.
    finds_body := format($body$
    declare
      caller regrole := sequester.calling_role();
    begin
      if sequester.sees_chart(p_client_id, p_role) then
        return true;
      end if;
      return coalesce(
        caller = to_regrole(quote_ident(p_role))
          and pg_has_role(caller, 'sequester_locked_search', 'member')
          and exists (select 1 from %2$s c where c.%1$I = p_client_id),
        false);
    end;
    $body$, p_key, p_clients);
  end if;

  execute format($f$
    create or replace function sequester.sees_chart(p_client_id bigint, p_role name)
    returns boolean
    language plpgsql
    stable
    security definer
    parallel safe
    cost 0.0001
    set search_path = pg_catalog, pg_temp
    as %L
  $f$, sees_body);
  execute format($f$
    create or replace function sequester.finds_client(p_client_id bigint, p_role name)
    returns boolean
    language plpgsql
    stable
    security definer
    parallel safe
    set search_path = pg_catalog, pg_temp
    as %L
  $f$, finds_body);

  -- The table they read, by its name at the time, for the event trigger that makes them
  -- again when it is renamed (policies/00-registry.sql).
  execute format('comment on function sequester.sees_chart(bigint, name) is %L',
    coalesce(p_clients::text, ''));

  -- Both tests run as sequester_definer, and every role may call them.
  alter function sequester.sees_chart(bigint, name) owner to sequester_definer;
  alter function sequester.finds_client(bigint, name) owner to sequester_definer;
  grant execute on function sequester.sees_chart(bigint, name),
    sequester.finds_client(bigint, name) to public;
end;
$$;

revoke execute on function sequester.define_visibility(regclass, name) from public;
select sequester.define_visibility(null, null);


-- The test every policy applies to a row: may the current role see this client's
-- chart? It is a function, not a subquery in the policy, and it is declared nearly
-- free, for one reason: PostgreSQL may run a caller's leakproof condition (an "=" or
-- "<" on an unindexed column) before a policy that costs more than it, and then run
-- the policy only on the rows that passed; EXPLAIN ANALYZE and the clock would then
-- tell a true guess about a hidden row from a false one. A test that looks cheaper
-- than any operator runs first, so a hidden row is gone before any guess about it is
-- tried. It runs as the caller only to hand the definer test the caller's role.
create function sequester.sees_chart(p_client_id bigint) returns boolean
language plpgsql
stable
parallel safe
cost 0.0001
as $$
begin
  return sequester.sees_chart(p_client_id, current_user);
end;
$$;

grant execute on function sequester.sees_chart(bigint) to public;

-- Whether the current role finds this client in a search (see finds_client above).
create function sequester.finds_client(p_client_id bigint) returns boolean
language plpgsql
stable
parallel safe
as $$
begin
  return sequester.finds_client(p_client_id, current_user);
end;
$$;

grant execute on function sequester.finds_client(bigint) to public;

-- The rules on a clients table (or a partition of one), replacing any earlier version.
create function sequester.attach_clients_policies(p_table regclass, p_id_column name)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
-- "drop policy if exists" would otherwise say, on every first call, that it skipped.
set client_min_messages = warning
as $$
begin
  execute format('drop policy if exists %I on %s',
    '0 sequestered clients are hidden from unapproved staff', p_table);
  execute format('drop policy if exists %I on %s',
    '0 only approved staff change a sequestered client', p_table);
  execute format('drop policy if exists %I on %s',
    '0 only approved staff delete a sequestered client', p_table);
  execute format($p$
    create policy "0 sequestered clients are hidden from unapproved staff" on %1$s
      as restrictive for select
      using (
        (select pg_catalog.pg_has_role(current_user, 'sequester_locked_search', 'member'))
        or sequester.sees_chart(%1$s.%2$I)
      )
  $p$, p_table, p_id_column);
  execute format($p$
    create policy "0 only approved staff change a sequestered client" on %1$s
      as restrictive for update
      using (sequester.sees_chart(%1$s.%2$I))
      with check (sequester.sees_chart(%1$s.%2$I))
  $p$, p_table, p_id_column);
  execute format($p$
    create policy "0 only approved staff delete a sequestered client" on %1$s
      as restrictive for delete
      using (sequester.sees_chart(%1$s.%2$I))
  $p$, p_table, p_id_column);
end;
$$;

-- Attaches the rules to a host application's clients table and its partitions. Calling
-- it again changes nothing; the policies are restrictive, so they narrow whatever the
-- table's own policies allow and never widen it.
create function sequester.protect_clients(p_table regclass, p_id_column name)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  other regclass;
begin
  perform sequester.check_protectable(p_table, p_id_column, array['int2', 'int4', 'int8']);

  select p.relid into other
  from sequester.protected_table p
  where p.kind = 'clients' and p.parent is null and p.relid <> p_table;
  if other is not null then
    raise exception '% is already the protected clients table', other
      using errcode = 'object_not_in_prerequisite_state',
        hint = format('One clients table per database: run sequester.unprotect(%L) first.', other);
  end if;

  if not exists (
    select 1
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
    where i.indrelid = p_table and i.indisunique and i.indnkeyatts = 1
      and i.indpred is null and a.attname = p_id_column
  ) then
    raise exception 'column % of % is not unique', p_id_column, p_table
      using errcode = 'invalid_table_definition',
        hint = format('Add a primary key or unique constraint on %s (%s).', p_table, p_id_column);
  end if;

  perform sequester.register_protected(p_table, 'clients', p_id_column);
  execute format('grant select on %s to sequester_definer', p_table);
  perform sequester.define_visibility(p_table, p_id_column);

  if not exists (
    select 1 from pg_constraint
    where conrelid = 'sequester.client_access'::regclass and conname = 'client_access_client_fk'
  ) then
    execute format(
      'alter table sequester.client_access add constraint client_access_client_fk
         foreign key (client_id) references %s (%I) on update restrict on delete restrict',
      p_table, p_id_column);
  end if;

  perform sequester.attach_clients_policies(p_table, p_id_column);
  perform sequester.protect_descendants(p_table);
end;
$$;

revoke execute on function sequester.protect_clients(regclass, name) from public;
revoke execute on function sequester.attach_clients_policies(regclass, name) from public;
