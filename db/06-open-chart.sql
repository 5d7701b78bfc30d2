-- Writes the audit row for an approved opening of a sequestered client's chart, deciding
-- itself whether the caller (calling_role, not the function's owner) was approved, so a
-- caller can neither forge an outcome nor learn anything from it. A refused attempt
-- goes to the server log only: its row would roll back with the error that refuses it,
-- and a write of any kind would show (a transaction ID assigned, a tuple counted in
-- pg_stat_xact_*) for a hidden client and not for a missing one. For the same reason the
-- function fixes client_min_messages: the log line must never reach the caller.
create function sequester.record_chart_open(p_client_id bigint) returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set client_min_messages = warning
as $$
declare
  caller regrole := sequester.calling_role();
  in_force sequester.client_access;
  approved boolean;
begin
  select * into in_force from sequester.record_in_force(p_client_id);
  if not found then
    return;
  end if;

  approved := sequester.approves(
      in_force.id, (select r.rolname from pg_roles r where r.oid = caller)
    ) or exists (
      select 1 from pg_roles r where r.oid = caller and (r.rolsuper or r.rolbypassrls)
    );

  if not approved or current_setting('transaction_read_only') = 'on' then
    raise log 'sequester: % (login %) % the chart of sequestered client % (Sequence ID %)',
      caller, session_user, case when approved then 'opened' else 'was refused' end,
      p_client_id, in_force.id;
    return;
  end if;

  -- An approved caller may see the chart; nothing here may fail where they can see it.
  begin
    insert into sequester.audit_log (actor, login_role, action, client_access_id, client_id)
    values (caller::text, session_user, 'open_chart.allowed', in_force.id, p_client_id);
  exception when others then
    raise log 'sequester: could not audit a chart opening: %', sqlerrm;
  end;
end;
$$;

-- The call an application makes when a user opens a chart. It runs as the caller and
-- asks only the two tests of policies/10-clients.sql, so it knows no more than the
-- caller may: an approved or unsequestered client opens; a listed-but-locked one is
-- refused with the permission message; a hidden one gets exactly the answer of an ID
-- that never existed.
create function sequester.open_chart(p_client_id bigint) returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_client_id is null then
    raise exception 'a client ID is required'
      using errcode = 'null_value_not_allowed',
        hint = 'Pass the ID of the client whose chart is being opened.';
  end if;

  perform sequester.record_chart_open(p_client_id);

  if sequester.bypasses_rls() or sequester.sees_chart(p_client_id) then
    return;
  end if;

  if sequester.finds_client(p_client_id) then
    raise exception 'You do not have permission to view this client''s chart'
      using errcode = 'insufficient_privilege',
        hint = 'Ask for access with sequester.request_access(client_id, reason).';
  end if;

  raise exception 'client % does not exist', p_client_id
    using errcode = 'no_data_found',
      hint = 'Check the client ID.';
end;
$$;

grant execute on function sequester.open_chart(bigint) to public;

-- "Find the client by ID and confirm": for administrators only, it returns just what
-- confirmation needs, for any client, sequestered or not.
create function sequester.confirm_client(p_client_id bigint)
returns table (client_id bigint, display_name text, birth_date date)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  clients regclass;
  client_key name;
  name_expr text;
  birth_expr text;
  columns name[];
begin
  select p.relid, p.key_column into clients, client_key
  from sequester.protected_table p
  where p.kind = 'clients' and p.parent is null;
  if clients is null then
    raise exception 'no clients table is protected yet'
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'Run sequester.protect_clients(table, id_column) first.';
  end if;

  select array_agg(a.attname) into columns
  from pg_attribute a
  where a.attrelid = clients and a.attnum > 0 and not a.attisdropped;

  -- Limitation: the name and birth-date columns are found by their usual names; a host
  -- table that names them otherwise gets the ID alone.
  name_expr := case
    when columns @> array['first_name', 'last_name']::name[]
      then 'concat_ws('' '', c.first_name, c.last_name)'
    when columns @> array['name']::name[] then 'c.name::text'
    else 'null::text'
  end;
  birth_expr := case
    when columns @> array['birth_date']::name[] then 'c.birth_date::date'
    when columns @> array['date_of_birth']::name[] then 'c.date_of_birth::date'
    when columns @> array['dob']::name[] then 'c.dob::date'
    else 'null::date'
  end;

  return query execute format(
    'select c.%1$I::bigint, %2$s, %3$s from %4$s c where c.%1$I = $1',
    client_key, name_expr, birth_expr, clients)
  using p_client_id;

  if not found then
    raise exception 'client % does not exist', p_client_id
      using errcode = 'no_data_found',
        hint = 'Check the client ID.';
  end if;
end;
$$;

revoke execute on function sequester.confirm_client(bigint) from public;
grant execute on function sequester.confirm_client(bigint) to sequester_viewer;
