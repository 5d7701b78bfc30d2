-- The call an application makes when a user opens a chart. It runs as the caller and
-- asks only the two views, so it knows no more than the caller may: an approved or
-- unsequestered client opens; a listed-but-locked one is refused with the permission
-- message; a hidden one gets exactly the answer of an ID that never existed.
create function sequester.open_chart(p_client_id bigint) returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_client_id is null then
    raise exception 'a client ID is required'
      using errcode = 'null_value_not_allowed',
        hint = 'Pass the ID of the client whose chart is being opened.';
  end if;

  if exists (select 1 from sequester.chart_visible_client v where v.client_id = p_client_id) then
    return;
  end if;

  if exists (select 1 from sequester.search_visible_client v where v.client_id = p_client_id) then
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
  where p.kind = 'clients';
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
