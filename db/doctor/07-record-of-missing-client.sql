-- Finding: a sequester record whose client no longer exists, or no clients table is
-- protected at all. Protection keeps a foreign key, so this means it was dropped by hand.
create function sequester.doctor_record_of_missing_client()
returns table (severity text, finding text, object text, detail text, fix text)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  clients regclass;
  client_key name;
begin
  select p.relid, p.key_column into clients, client_key
  from sequester.protected_table p
  where p.kind = 'clients' and p.parent is null;

  if clients is null then
    return query select 'error'::text, 'no clients table protected'::text, 'sequester'::text,
      'sequester.protect_clients has not been run; nothing is hidden'::text,
      'select sequester.protect_clients(''schema.clients'', ''id'');'::text;
    return;
  end if;

  return query execute format($q$
    select 'warning'::text, 'record of a missing client'::text,
      format('Sequence ID %%s', a.id),
      format('client %%s does not exist in %%s', a.client_id, %1$L),
      format('select sequester.end_sequester(%%s);', a.id)
    from sequester.client_access a
    where not exists (select 1 from %1$s c where c.%2$I = a.client_id)
  $q$, clients, client_key);
end;
$$;
