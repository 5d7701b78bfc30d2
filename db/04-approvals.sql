-- What administrators do on the Client Access Details screen, as functions that take
-- names the way the screen does and say plainly what is wrong when a name is wrong.
-- They run as the caller: the table grants of sequester_editor decide who may call.

create function sequester.resolve_role(p_name text, p_what text) returns regrole
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  found_oid oid;
begin
  select r.oid into found_oid from pg_roles r where r.rolname = p_name;
  if found_oid is null then
    raise exception '% "%" does not exist', p_what, coalesce(p_name, '')
      using errcode = 'undefined_object',
        hint = format('Search with sequester.search_%s(text) and use the role name it returns.',
          case p_what when 'staff member' then 'staff' else 'user_roles' end);
  end if;
  return found_oid::regrole;
end;
$$;

-- Locks the record an approval is about, or says plainly that it does not exist.
create function sequester.existing_record(p_client_access_id bigint)
returns sequester.client_access
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  found_record sequester.client_access;
begin
  select * into found_record
  from sequester.client_access a
  where a.id = p_client_access_id
  for update;

  if not found then
    raise exception 'Sequence ID % does not exist', coalesce(p_client_access_id::text, '(none)')
      using errcode = 'no_data_found',
        hint = 'List the records with select * from sequester.client_access.';
  end if;
  return found_record;
end;
$$;

create function sequester.add_staff(p_client_access_id bigint, p_staff text)
returns sequester.client_access_staff
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  added sequester.client_access_staff;
begin
  perform sequester.existing_record(p_client_access_id);
  insert into sequester.client_access_staff (client_access_id, staff)
  values (p_client_access_id, sequester.resolve_role(p_staff, 'staff member'))
  on conflict (client_access_id, staff) do update set expires_at = null, reason = null
  returning * into added;
  return added;
end;
$$;

create function sequester.remove_staff(p_client_access_id bigint, p_staff text)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  perform sequester.existing_record(p_client_access_id);
  delete from sequester.client_access_staff s
  where s.client_access_id = p_client_access_id
    and s.staff = sequester.resolve_role(p_staff, 'staff member');
  return found;
end;
$$;

create function sequester.add_user_role(p_client_access_id bigint, p_user_role text)
returns sequester.client_access_role
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  added sequester.client_access_role;
begin
  perform sequester.existing_record(p_client_access_id);
  insert into sequester.client_access_role (client_access_id, user_role)
  values (p_client_access_id, sequester.resolve_role(p_user_role, 'user role'))
  on conflict (client_access_id, user_role) do update set user_role = excluded.user_role
  returning * into added;
  return added;
end;
$$;

create function sequester.remove_user_role(p_client_access_id bigint, p_user_role text)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
  perform sequester.existing_record(p_client_access_id);
  delete from sequester.client_access_role r
  where r.client_access_id = p_client_access_id
    and r.user_role = sequester.resolve_role(p_user_role, 'user role');
  return found;
end;
$$;

-- Ends a sequester: the client is visible to everyone again from p_end_date on. An end
-- date on or before the start date is refused, as for any change to the record; a
-- record that should never have been in force is cancelled with cancel_sequester.
create function sequester.end_sequester(
  p_client_access_id bigint,
  p_end_date date default sequester.today()
) returns sequester.client_access
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  ended sequester.client_access;
begin
  if p_end_date is null then
    raise exception 'an end date is required'
      using errcode = 'null_value_not_allowed',
        hint = 'Give the day on which the sequester lifts, or leave it out for today.';
  end if;

  ended := sequester.existing_record(p_client_access_id);
  if p_end_date <= ended.start_date then
    raise exception 'Sequence ID % starts on %, so it cannot end on %',
        p_client_access_id, ended.start_date, p_end_date
      using errcode = 'check_violation',
        hint = format('To lift a sequester that has not yet been in force for a whole day, '
          || 'cancel it: select sequester.cancel_sequester(%s);', p_client_access_id);
  end if;

  update sequester.client_access a
  set end_date = p_end_date
  where a.id = p_client_access_id
  returning * into ended;
  return ended;
end;
$$;

-- Cancels a record that is not in force yet, or began today: it is deleted (its staff
-- and user roles with it), and the audit trail keeps every row as it was. A record in
-- force since an earlier day is ended instead, so that the list keeps its history.
create function sequester.cancel_sequester(p_client_access_id bigint)
returns sequester.client_access
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  cancelled sequester.client_access;
begin
  cancelled := sequester.existing_record(p_client_access_id);
  if cancelled.start_date < sequester.today() then
    raise exception 'Sequence ID % has been in force since %, so it is ended, not cancelled',
        p_client_access_id, cancelled.start_date
      using errcode = 'object_not_in_prerequisite_state',
        hint = format('Lift it with select sequester.end_sequester(%s);', p_client_access_id);
  end if;

  delete from sequester.client_access a where a.id = p_client_access_id;
  return cancelled;
end;
$$;

-- Searches for the Staff Names and Role fields: roles whose name or description
-- (comment on role) contains the text. Role names are no secret in PostgreSQL.
-- Limitation: roles belong to the whole cluster, so a cluster that serves several
-- databases lists the staff of all of them; give each database's staff a name prefix
-- (the importer's --role-prefix) and search with it.
create function sequester.search_staff(p_text text)
returns table (role_name name, display_name text)
language sql
stable
begin atomic
  select r.rolname, coalesce(shobj_description(r.oid, 'pg_authid'), r.rolname::text)
  from pg_roles r
  where r.rolcanlogin
    and r.rolname !~ '^pg_'
    and (strpos(lower(r.rolname), lower(p_text)) > 0
      or strpos(lower(coalesce(shobj_description(r.oid, 'pg_authid'), '')), lower(p_text)) > 0)
  order by 2, 1
  limit 50;
end;

create function sequester.search_user_roles(p_text text)
returns table (role_name name, description text)
language sql
stable
begin atomic
  select r.rolname, coalesce(shobj_description(r.oid, 'pg_authid'), '')
  from pg_roles r
  where not r.rolcanlogin
    and r.rolname !~ '^(pg_|sequester_)'
    and (strpos(lower(r.rolname), lower(p_text)) > 0
      or strpos(lower(coalesce(shobj_description(r.oid, 'pg_authid'), '')), lower(p_text)) > 0)
  order by 1
  limit 50;
end;
