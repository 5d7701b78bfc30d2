-- Package roles. Roles belong to the whole cluster, not to one database, so every
-- statement here tolerates a role that another database's migration already made
-- (even one made a moment ago by a concurrent migration).

do $$
declare
  spec record;
begin
  for spec in
    select * from (values
      ('sequester_viewer', 'nologin'),
      ('sequester_editor', 'nologin'),
      ('sequester_auditor', 'nologin'),
      ('sequester_locked_search', 'nologin'),
      ('sequester_break_glass', 'nologin'),
      -- Owns the views that policies consult. It must read protected tables without
      -- their own policies (or a policy would consult itself), hence bypassrls; it
      -- cannot log in, and nobody is granted membership in it.
      ('sequester_definer', 'nologin bypassrls')
    ) as t(name, options)
  loop
    begin
      execute format('create role %I %s', spec.name, spec.options);
    exception when duplicate_object or unique_violation then
      null;
    end;
  end loop;
end
$$;

comment on role sequester_viewer is
  'Client Access List: may see the list and the details screen (Screens permission).';
comment on role sequester_editor is
  'Client Access List: may also create, change, end and export records (New and Update mode).';
comment on role sequester_auditor is
  'May read the sequester audit trail and access requests.';
comment on role sequester_locked_search is
  'Sees sequestered clients in search; their charts stay locked.';
comment on role sequester_break_glass is
  'May open a locked chart in an emergency, with a reason; time-boxed and audited.';
comment on role sequester_definer is
  'Owns the sequester visibility views; never granted to anyone.';

-- An editor can do all a viewer can.
do $$
begin
  if not pg_has_role('sequester_editor', 'sequester_viewer', 'member') then
    grant sequester_viewer to sequester_editor;
  end if;
end
$$;
