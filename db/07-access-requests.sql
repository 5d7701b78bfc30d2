-- Requests for access to a locked chart (listed-but-locked mode) and their decisions.

-- The role a statement acts for. Inside a security definer function current_user is
-- the function's owner; the session's SET ROLE (which PostgreSQL only lets a session
-- set to a role it belongs to) still names the person, else the login role does.
create function sequester.calling_role() returns regrole
language sql
stable
parallel safe
begin atomic
  select r.oid::regrole
  from pg_catalog.pg_roles r
  where r.rolname = case pg_catalog.current_setting('role')
    when 'none' then session_user
    else pg_catalog.current_setting('role')::name
  end;
end;

-- The requester is kept by role OID, like every approval: a role dropped and made
-- again under the same name is another person, and gets neither the request's
-- approval nor a sight of it. requested_by keeps the name for the screen.
create table sequester.access_request (
  id bigint generated always as identity primary key,
  client_id bigint not null,
  requester regrole not null default to_regrole(quote_ident(current_user)),
  requested_by name not null default current_user,
  reason text not null,
  requested_at timestamptz not null default now(),
  status text not null default 'pending' check (status in ('pending', 'approved', 'denied')),
  decided_by name,
  decided_at timestamptz,
  approved_until date,
  decision_note text,
  constraint access_request_reason_given check (length(btrim(reason)) > 0)
);

create index access_request_pending on sequester.access_request (requested_at)
  where status = 'pending';

alter table sequester.access_request enable row level security;

-- A request may be filed only in one's own name and only for a chart that is listed
-- but locked to the requester, so that filing one reveals nothing.
create policy "staff file requests for locked charts in their own name"
  on sequester.access_request for insert
  with check (
    requester = to_regrole(quote_ident(current_user))
    and requested_by = current_user
    and status = 'pending'
    and sequester.finds_client(access_request.client_id)
    and not sequester.sees_chart(access_request.client_id)
  );

create policy "staff see their own requests"
  on sequester.access_request for select
  using (requester = to_regrole(quote_ident(current_user)));

create policy "administrators and auditors see every request"
  on sequester.access_request for select to sequester_viewer, sequester_auditor
  using (true);

create policy "editors decide requests"
  on sequester.access_request for update to sequester_editor
  using (true) with check (true);

grant insert (client_id, reason) on sequester.access_request to public;
grant usage on sequence sequester.access_request_id_seq to public;
grant select on sequester.access_request to public;
grant update (status, decided_by, decided_at, approved_until, decision_note)
  on sequester.access_request to sequester_editor;

-- Files a request for a locked chart. For a hidden client it answers exactly as
-- open_chart does for an ID that never existed.
create function sequester.request_access(p_client_id bigint, p_reason text)
returns sequester.access_request
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  filed sequester.access_request;
begin
  if p_client_id is null then
    raise exception 'a client ID is required'
      using errcode = 'null_value_not_allowed',
        hint = 'Pass the ID of the client whose chart you need.';
  end if;
  if p_reason is null or btrim(p_reason) = '' then
    raise exception 'a reason is required'
      using errcode = 'null_value_not_allowed',
        hint = 'Say why you need this chart; administrators read it before deciding.';
  end if;

  if sequester.bypasses_rls() or sequester.sees_chart(p_client_id) then
    raise exception 'you can already open this client''s chart'
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'Open it with sequester.open_chart(client_id); no request is needed.';
  end if;
  if not sequester.finds_client(p_client_id) then
    raise exception 'client % does not exist', p_client_id
      using errcode = 'no_data_found',
        hint = 'Check the client ID.';
  end if;

  insert into sequester.access_request (client_id, reason)
  values (p_client_id, btrim(p_reason))
  returning * into filed;

  -- Anyone may LISTEN, so the payload is the request's number and nothing else.
  perform pg_notify('sequester_access_request', json_build_object('request_id', filed.id)::text);
  return filed;
end;
$$;

-- Approves or denies a pending request. Approval lists the requester as staff on the
-- client's record in force, until p_until when given (the approval lapses on that day).
create function sequester.decide_access_request(
  p_request_id bigint,
  p_approve boolean,
  p_until date default null,
  p_note text default null
) returns sequester.access_request
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  request sequester.access_request;
  in_force sequester.client_access;
  zone text := (select s.time_zone from sequester.settings s);
begin
  select * into request from sequester.access_request where id = p_request_id for update;
  if not found then
    raise exception 'access request % does not exist', p_request_id
      using errcode = 'no_data_found',
        hint = 'List pending requests with select * from sequester.access_request.';
  end if;
  if request.status <> 'pending' then
    raise exception 'access request % was already %', p_request_id, request.status
      using errcode = 'object_not_in_prerequisite_state',
        hint = 'A decided request stays decided; the requester may file a new one.';
  end if;
  if p_approve is null then
    raise exception 'say whether to approve or deny'
      using errcode = 'null_value_not_allowed',
        hint = 'Pass true to approve or false to deny.';
  end if;
  if p_until is not null and p_until <= sequester.today() then
    raise exception 'the approval would end on %, which is not after today', p_until
      using errcode = 'invalid_parameter_value',
        hint = 'Give a later date, or none for as long as the sequester lasts.';
  end if;

  if p_approve and not exists (select 1 from pg_roles r where r.oid = request.requester) then
    raise exception 'the role that filed access request % no longer exists', p_request_id
      using errcode = 'undefined_object',
        hint = 'Deny the request; a role made since under the same name is another person.';
  end if;

  if p_approve then
    select * into in_force from sequester.record_in_force(request.client_id);

    if not found then
      raise exception 'client % has no sequester in force today, so there is nothing to approve',
          request.client_id
        using errcode = 'object_not_in_prerequisite_state',
          hint = 'The sequester ended and the chart is open to all staff: deny the request, '
            || 'or create a new record first.';
    end if;

    insert into sequester.client_access_staff (client_access_id, staff, expires_at, reason)
    values (
      in_force.id,
      request.requester,
      p_until::timestamp at time zone zone,
      format('access request %s: %s', request.id, request.reason)
    )
    on conflict (client_access_id, staff) do update
      set expires_at = excluded.expires_at, reason = excluded.reason;
  end if;

  update sequester.access_request
  set status = case when p_approve then 'approved' else 'denied' end,
    decided_by = current_user,
    decided_at = now(),
    approved_until = p_until,
    decision_note = p_note
  where id = p_request_id
  returning * into request;
  return request;
end;
$$;

-- Emergency access (break glass): a member of sequester_break_glass opens any client's
-- chart at once, for settings.break_glass_minutes, with a reason. It is written to the
-- audit trail and announced on the channel sequester_break_glass for whoever must know.
-- It runs as its owner, because the caller may not read the list; calling_role() names
-- the person who asked.
create function sequester.break_glass(p_client_id bigint, p_reason text)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set client_min_messages = warning
as $$
declare
  caller regrole := sequester.calling_role();
  in_force sequester.client_access;
  until timestamptz := statement_timestamp() + make_interval(
    mins => (select s.break_glass_minutes from sequester.settings s)::integer);
  audit_id bigint;
begin
  if not pg_has_role(caller, 'sequester_break_glass', 'member') then
    raise exception 'permission denied for emergency access'
      using errcode = 'insufficient_privilege',
        hint = 'Only members of sequester_break_glass may break the glass.';
  end if;
  if p_reason is null or btrim(p_reason) = '' then
    raise exception 'a reason is required for emergency access'
      using errcode = 'null_value_not_allowed',
        hint = 'Say what the emergency is; it is recorded and reviewed.';
  end if;
  if p_client_id is null or not sequester.client_exists(p_client_id) then
    raise exception 'client % does not exist', p_client_id
      using errcode = 'no_data_found',
        hint = 'Check the client ID.';
  end if;

  select * into in_force from sequester.record_in_force(p_client_id);

  if found then
    insert into sequester.client_access_staff (client_access_id, staff, expires_at, reason,
      added_by)
    values (in_force.id, caller, until, 'break glass: ' || btrim(p_reason), caller::text)
    on conflict (client_access_id, staff) do update
      set expires_at = greatest(client_access_staff.expires_at, excluded.expires_at),
        reason = excluded.reason;
  end if;

  insert into sequester.audit_log (actor, login_role, action, client_access_id, client_id, after)
  values (caller::text, session_user, 'break_glass', in_force.id, p_client_id,
    jsonb_build_object('reason', btrim(p_reason), 'until', until))
  returning id into audit_id;
  -- Anyone may LISTEN: the payload names only the audit row, which auditors can read.
  perform pg_notify('sequester_break_glass', json_build_object('audit_id', audit_id)::text);
  return until;
end;
$$;

create trigger audit_change
  after insert or update or delete on sequester.access_request
  for each row execute function sequester.audit_change();
