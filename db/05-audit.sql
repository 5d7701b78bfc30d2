-- The audit trail. Append-only: nobody but the table's owner may write, change or
-- delete a row. The package's triggers and functions write it as the owner, naming as
-- actor the role the statement acts for (sequester.calling_role()), so a staff member
-- can neither forge a row nor keep one from being written.
create table sequester.audit_log (
  id bigint generated always as identity primary key,
  logged_at timestamptz not null default clock_timestamp(),
  actor name not null default current_user,
  login_role name not null default session_user,
  action text not null,
  client_access_id bigint,
  client_id bigint,
  before jsonb,
  after jsonb
);

create index audit_log_client_access_id on sequester.audit_log (client_access_id);
create index audit_log_client_id on sequester.audit_log (client_id);

alter table sequester.audit_log enable row level security;

create policy "auditors read the whole trail"
  on sequester.audit_log for select to sequester_auditor
  using (true);

-- Records every change to a sequester record, its staff and its user roles, and every
-- access request and decision. A trigger function cannot be called directly.
create function sequester.audit_change() returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  row_before jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  row_after jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  changed jsonb := coalesce(row_after, row_before);
  record_id bigint := case tg_table_name
    when 'client_access' then changed ->> 'id'
    when 'access_request' then null
    else changed ->> 'client_access_id'
  end::bigint;
begin
  insert into sequester.audit_log (actor, action, client_access_id, client_id, before, after)
  values (
    coalesce(sequester.calling_role()::text, session_user),
    tg_table_name || '.' || lower(tg_op),
    record_id,
    coalesce(
      (changed ->> 'client_id')::bigint,
      (select a.client_id from sequester.client_access a where a.id = record_id)
    ),
    row_before,
    row_after
  );
  return null;
end;
$$;

create trigger audit_change
  after insert or update or delete on sequester.client_access
  for each row execute function sequester.audit_change();

create trigger audit_change
  after insert or update or delete on sequester.client_access_staff
  for each row execute function sequester.audit_change();

create trigger audit_change
  after insert or update or delete on sequester.client_access_role
  for each row execute function sequester.audit_change();
