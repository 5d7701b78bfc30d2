-- The Client Access List as the Export button gives it: one row per Sequence ID, its
-- approved staff and user roles spelled out. It runs as the caller, so it shows exactly
-- what the caller may read; execute is granted to editors alone, since Export belongs
-- to the New and Update modes of the Client Access List (SPEC 3.3).
create function sequester.export_client_access()
returns table (
  sequence_id bigint,
  client_id bigint,
  start_date date,
  end_date date,
  in_force boolean,
  comments text,
  approved_staff text,
  approved_user_roles text,
  created_by name,
  created_at timestamptz,
  updated_by name,
  updated_at timestamptz
)
language sql
stable
begin atomic
  select a.id, a.client_id, a.start_date, a.end_date,
    a.start_date <= sequester.today()
      and (a.end_date is null or a.end_date > sequester.today()),
    a.comments,
    -- An approval that lapses shows its last day; a lapsed one is left out.
    coalesce((
      select string_agg(
        s.staff::text || coalesce(
          ' (until ' || (s.expires_at at time zone st.time_zone)::date || ')', ''),
        '; ' order by s.staff::text)
      from sequester.client_access_staff s
      cross join sequester.settings st
      where s.client_access_id = a.id
        and (s.expires_at is null or s.expires_at > statement_timestamp())
    ), ''),
    coalesce((
      select string_agg(r.user_role::text, '; ' order by r.user_role::text)
      from sequester.client_access_role r
      where r.client_access_id = a.id
    ), ''),
    a.created_by, a.created_at, a.updated_by, a.updated_at
  from sequester.client_access a
  order by a.id;
end;

revoke execute on function sequester.export_client_access() from public;
grant execute on function sequester.export_client_access() to sequester_editor;
