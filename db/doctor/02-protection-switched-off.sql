-- Finding: a protected table whose row-level security is off or not forced, or whose
-- sequester policy is gone. Someone ran ALTER TABLE or DROP POLICY by hand, and the
-- rules no longer hold for everyone (without FORCE, the table's owner sees all).
create view sequester.doctor_protection_switched_off as
select
  'error'::text as severity,
  'protection switched off'::text as finding,
  p.relid::text as object,
  concat_ws('; ',
    case when not c.relrowsecurity then 'row level security is disabled' end,
    case when not c.relforcerowsecurity then 'row level security is not forced' end,
    case when not exists (
      select 1 from pg_policy pol
      where pol.polrelid = p.relid and pol.polname = any ((sequester.policy_names())[2:])
    ) then 'the sequester policies are missing' end) as detail,
  case p.kind
    when 'clients' then format('select sequester.protect_clients(%L, %L);', p.relid::text,
      p.key_column)
    else format('select sequester.protect_chart(%L, %L);', p.relid::text, p.key_column)
  end as fix
from sequester.protected_table p
join pg_class c on c.oid = p.relid
where not c.relrowsecurity
  or not c.relforcerowsecurity
  or not exists (
    select 1 from pg_policy pol
    where pol.polrelid = p.relid and pol.polname = any ((sequester.policy_names())[2:])
  );
