-- The tables whose rows the package guards: one clients table and its chart tables.
-- protect_clients and protect_chart fill it; unprotect empties it.
-- A partition or inheritance child of a protected table is protected with it (a query
-- that names a partition does not pass through its parent's policies); parent says
-- whose protection it follows, and unprotecting the parent unprotects it.
create table sequester.protected_table (
  relid regclass primary key,
  kind text not null check (kind in ('clients', 'chart')),
  key_column name not null,
  -- Columns guarded by protect_link: writes through them stay within the client.
  link_columns name[] not null default '{}',
  parent regclass,
  rls_was_enabled boolean not null,
  rls_was_forced boolean not null,
  protected_at timestamptz not null default now()
);

create unique index protected_table_one_clients_table
  on sequester.protected_table (kind) where kind = 'clients' and parent is null;

-- The Client Access List. One row per Sequence ID; the client is sequestered on
-- start_date <= day < end_date (end_date null: until someone ends it).
create table sequester.client_access (
  id bigint generated always as identity primary key,
  client_id bigint not null,
  start_date date not null,
  end_date date,
  comments text not null default '',
  created_by name not null default current_user,
  created_at timestamptz not null default now(),
  updated_by name not null default current_user,
  updated_at timestamptz not null default now(),
  constraint client_access_end_after_start check (end_date is null or end_date > start_date),
  -- The race-proof backstop for "one record in force per client per day"; the trigger
  -- below gives the friendly message, this constraint holds even under concurrency.
  constraint client_access_no_overlap exclude using gist (
    int8range(client_id, client_id, '[]') with &&,
    daterange(start_date, end_date, '[)') with &&
  )
);

-- Keyed by client, then by the days a record is in force: a probe for "a record in force
-- today" (policies/10-clients.sql) rejects a past or future record inside the index,
-- without reading it, so that no count of pages read (EXPLAIN's BUFFERS) tells a client
-- with an ended or a planned record from one never listed.
create index client_access_client_id on sequester.client_access
  (client_id, start_date, (coalesce(end_date, 'infinity'::date)));

-- Ending, cancelling or redating a record leaves its old index entry behind until the
-- table is vacuumed, and a probe that meets the dead entry reads its row: a page more
-- in EXPLAIN BUFFERS for that client, once (or on every probe while an older snapshot
-- is held). Vacuum this small table after every change rather than after a fifth of
-- it has changed, so that the window is the autovacuum naptime (a minute by default).
alter table sequester.client_access set (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1
);

comment on table sequester.client_access is
  'Client Access List: one sequester record per Sequence ID (id).';

-- Approved staff and approved user roles are stored by role OID, so a rename keeps the
-- approval and a dropped role's approval can never pass to a new role of the same name.
-- An approval may expire (an access request approved until a date, a break-glass
-- access for an hour); null means until the record itself ends.
create table sequester.client_access_staff (
  client_access_id bigint not null references sequester.client_access on delete cascade,
  staff regrole not null,
  expires_at timestamptz,
  reason text,
  added_by name not null default current_user,
  added_at timestamptz not null default now(),
  primary key (client_access_id, staff)
);

create index client_access_staff_staff on sequester.client_access_staff (staff);

create table sequester.client_access_role (
  client_access_id bigint not null references sequester.client_access on delete cascade,
  user_role regrole not null,
  added_by name not null default current_user,
  added_at timestamptz not null default now(),
  primary key (client_access_id, user_role)
);

create index client_access_role_user_role on sequester.client_access_role (user_role);

-- The client's record in force today, if any (at most one: the exclusion constraint).
-- For the package's own functions; it is not granted to staff, for whom it would tell
-- which clients are sequestered. Written in the form of the index below, so that a
-- record not in force is passed over inside the index and never read: open_chart calls
-- it for any client, and a page read for an ended record would show in EXPLAIN BUFFERS.
create function sequester.record_in_force(p_client_id bigint)
returns setof sequester.client_access
language sql
stable
begin atomic
  select a.*
  from sequester.client_access a
  where a.client_id = p_client_id
    and a.start_date <= sequester.today()
    and coalesce(a.end_date, 'infinity'::date) > sequester.today();
end;

revoke execute on function sequester.record_in_force(bigint) from public;

-- Whether a client ID exists in the protected clients table, seen past its policies.
-- Only administrators may ask: for anyone else it would reveal hidden clients.
create function sequester.client_exists(p_client_id bigint) returns boolean
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  clients regclass;
  client_key name;
  result boolean;
begin
  select p.relid, p.key_column into clients, client_key
  from sequester.protected_table p
  where p.kind = 'clients' and p.parent is null;

  if clients is null then
    raise exception 'no clients table is protected yet'
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'Run sequester.protect_clients(table, id_column) first.';
  end if;

  execute format('select exists (select 1 from %s where %I = $1)', clients, client_key)
    into result using p_client_id;
  return result;
end;
$$;

revoke execute on function sequester.client_exists(bigint) from public;
grant execute on function sequester.client_exists(bigint) to sequester_viewer;

-- Validates a record before it is written: dates, the client's existence, overlap.
-- It runs as the editor, so that "who changed it" is the editor. Two editors racing on
-- one client are stopped by the exclusion constraint; the trigger takes no advisory
-- lock, since a lock keyed by the client ID shows in pg_locks to every session.
create function sequester.client_access_validate() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  other sequester.client_access;
begin
  if new.start_date is null then
    raise exception 'a sequester record needs a start date'
      using errcode = 'not_null_violation',
        hint = 'Give the first day on which the client is hidden; the end date may stay empty.';
  end if;

  if new.end_date is not null and new.end_date <= new.start_date then
    raise exception 'the end date % is not after the start date %', new.end_date, new.start_date
      using errcode = 'check_violation',
        hint = 'The sequester lifts on the end date; give a later end date, or none. '
          || 'A record that should never be in force is cancelled: sequester.cancel_sequester.';
  end if;

  if tg_op = 'UPDATE' and new.client_id <> old.client_id then
    raise exception 'a sequester record cannot move to another client'
      using errcode = 'feature_not_supported',
        hint = format('End Sequence ID %s and create a new record for client %s.',
          old.id, new.client_id);
  end if;

  if tg_op = 'INSERT' and not sequester.client_exists(new.client_id) then
    raise exception 'client % does not exist', new.client_id
      using errcode = 'foreign_key_violation',
        hint = 'Check the client ID with sequester.confirm_client(id).';
  end if;

  select * into other
  from sequester.client_access a
  where a.client_id = new.client_id
    and a.id is distinct from new.id
    and daterange(a.start_date, a.end_date, '[)') && daterange(new.start_date, new.end_date, '[)')
  order by a.start_date
  limit 1;

  if found then
    raise exception 'client % already has a sequester record for these dates: Sequence ID %',
        new.client_id, other.id
      using errcode = 'exclusion_violation',
        detail = format('Sequence ID %s runs from %s to %s.', other.id, other.start_date,
          coalesce(other.end_date::text, 'no end date')),
        hint = format('Change or end Sequence ID %s instead, or choose dates that do not overlap.',
          other.id);
  end if;

  if tg_op = 'INSERT' then
    new.created_by := current_user;
    new.created_at := now();
  else
    new.created_by := old.created_by;
    new.created_at := old.created_at;
  end if;
  new.updated_by := current_user;
  new.updated_at := now();
  return new;
end;
$$;

create trigger client_access_validate
  before insert or update on sequester.client_access
  for each row execute function sequester.client_access_validate();

-- An approval must name a person or a team. PostgreSQL's own roles, this package's
-- roles, and roles that bypass row-level security anyway are refused, on every path
-- (the add_* functions and direct inserts alike), and so is a team (a role that cannot
-- log in) named as a staff member. A user role gets a notice with the
-- number of roles that hold it, since approving a role that every staff member holds
-- lifts the sequester for all of them.
create function sequester.approval_validate() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  approved oid := case tg_table_name
    when 'client_access_staff' then (to_jsonb(new) ->> 'staff')::regrole::oid
    else (to_jsonb(new) ->> 'user_role')::regrole::oid
  end;
  target pg_roles;
  holders bigint;
  holder_names text;
begin
  select * into target from pg_roles r where r.oid = approved;
  if not found then
    raise exception 'role with OID % does not exist', approved
      using errcode = 'undefined_object',
        hint = 'Approve a role by name with sequester.add_staff or sequester.add_user_role.';
  end if;
  if target.rolname ~ '^(pg_|sequester_)' or target.rolsuper or target.rolbypassrls then
    raise exception 'role % cannot be approved for a client', target.rolname
      using errcode = 'invalid_parameter_value',
        hint = 'Approve a staff member or a team role; package, system and superuser roles '
          || 'are not people.';
  end if;

  -- A staff approval is for one person, and a person logs in (or an application's
  -- authenticator acts as their login role). A role that cannot log in is a team, held
  -- by its members: approving it as a staff member would approve them all unsaid.
  if tg_table_name = 'client_access_staff' and not target.rolcanlogin then
    raise exception 'role % cannot log in, so it is a team, not a staff member',
      target.rolname
      using errcode = 'invalid_parameter_value',
        hint = 'Approve each person with sequester.add_staff, or approve the team knowingly '
          || 'with sequester.add_user_role, which says how many roles hold it.';
  end if;
  -- A login role may be held too (an API authenticator holds the staff it acts for, a
  -- colleague may have been granted it): its holders may act as it, so say who they are.
  if tg_table_name = 'client_access_staff' then
    select count(*), string_agg(m.member::regrole::text, ', ' order by m.member::regrole::text)
      into holders, holder_names
    from pg_auth_members m where m.roleid = approved;
    if holders > 0 then
      raise notice 'staff member % is held by % other roles (%), who may act as them',
        target.rolname, holders, holder_names;
    end if;
  end if;

  if tg_table_name = 'client_access_role' then
    -- Walk the memberships down from the role, rather than ask every role of the cluster.
    with recursive holder (member) as (
      select m.member from pg_auth_members m where m.roleid = approved
      union
      select m.member from pg_auth_members m join holder h on m.roleid = h.member
    )
    select count(*) into holders from holder;
    raise notice 'user role % is held by % roles, who may now see this client',
      target.rolname, holders;
  end if;
  return new;
end;
$$;

create trigger approval_validate
  before insert or update on sequester.client_access_staff
  for each row execute function sequester.approval_validate();

create trigger approval_validate
  before insert or update on sequester.client_access_role
  for each row execute function sequester.approval_validate();
