-- Who may do what with the list itself (SPEC 3.3). Everything not granted here is
-- refused: an ordinary staff member reads none of these tables.

grant usage on schema sequester to public;

grant select on sequester.client_access, sequester.client_access_staff,
  sequester.client_access_role, sequester.protected_table
  to sequester_viewer;

grant insert (client_id, start_date, end_date, comments),
  update (start_date, end_date, comments), delete
  on sequester.client_access to sequester_editor;
grant insert (client_access_id, staff, expires_at, reason), delete
  on sequester.client_access_staff to sequester_editor;
grant insert (client_access_id, user_role), delete on sequester.client_access_role
  to sequester_editor;
-- The add_* functions upsert, which needs update on the conflict column.
grant update (staff, expires_at, reason) on sequester.client_access_staff to sequester_editor;
grant update (user_role) on sequester.client_access_role to sequester_editor;

grant select on sequester.audit_log to sequester_auditor;

revoke execute on all functions in schema sequester from public;
-- approves() only for the definer that runs the visibility tests: called directly, its
-- page counts (EXPLAIN BUFFERS) told which records approve a team.
grant execute on function sequester.approves(bigint, name) to sequester_definer;
grant execute on function sequester.today(), sequester.calling_role(),
  sequester.bypasses_rls(), sequester.sees_chart(bigint),
  sequester.sees_chart(bigint, name), sequester.finds_client(bigint),
  sequester.finds_client(bigint, name)
  to public;
grant execute on function sequester.open_chart(bigint), sequester.request_access(bigint, text),
  sequester.record_chart_open(bigint)
  to public;
grant execute on function sequester.break_glass(bigint, text) to sequester_break_glass;
grant execute on function sequester.decide_access_request(bigint, boolean, date, text),
  sequester.record_in_force(bigint)
  to sequester_editor;
grant execute on function sequester.policy_names() to public;
grant execute on function sequester.client_exists(bigint), sequester.confirm_client(bigint),
  sequester.search_staff(text), sequester.search_user_roles(text)
  to sequester_viewer;
grant execute on function sequester.resolve_role(text, text),
  sequester.existing_record(bigint),
  sequester.add_staff(bigint, text), sequester.remove_staff(bigint, text),
  sequester.add_user_role(bigint, text), sequester.remove_user_role(bigint, text),
  sequester.end_sequester(bigint, date), sequester.cancel_sequester(bigint)
  to sequester_editor;

-- The visibility views are owned by sequester_definer and read the list as that role.
grant select on sequester.client_access, sequester.client_access_staff,
  sequester.client_access_role, sequester.settings
  to sequester_definer;

-- Functions that later migrations add are not public unless a migration says so.
alter default privileges in schema sequester revoke execute on functions from public;
