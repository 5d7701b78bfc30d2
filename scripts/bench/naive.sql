-- The baseline SPEC 5 compares against: the same clients and charts, copied into their
-- own schema, behind a policy that calls a SECURITY DEFINER function for every row. The
-- package's real policies are not touched. It is a yardstick, not a design: it takes
-- the role as an argument, so it would be no secret-keeper either.

-- step: naive policy on a copy of the data
create schema bench_naive;

create table bench_naive.clients as select * from ehr.clients;
create table bench_naive.encounters as select * from ehr.encounters;
create table bench_naive.progress_notes as select * from ehr.progress_notes;
create table bench_naive.conditions as select * from ehr.conditions;

-- step: naive copy's indexes
alter table bench_naive.clients add primary key (id);
create index on bench_naive.clients (search_name text_pattern_ops);
create index on bench_naive.clients using gin (search_name sequester.name_trgm_ops);
create index on bench_naive.encounters (client_id);
create index on bench_naive.progress_notes (client_id);
create index on bench_naive.conditions (client_id);

-- step: naive policy
create function bench_naive.client_visible(p_client_id bigint, p_role name) returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select not exists (
    select 1
    from sequester.client_access a
    where a.client_id = p_client_id
      and a.start_date <= sequester.today()
      and (a.end_date is null or a.end_date > sequester.today())
      and not exists (
        select 1 from sequester.client_access_staff s
        where s.client_access_id = a.id and s.staff::oid = p_role::regrole::oid
          and (s.expires_at is null or s.expires_at > now()))
      and not exists (
        select 1 from sequester.client_access_role ur
        where ur.client_access_id = a.id and pg_has_role(p_role, ur.user_role::oid, 'member'))
  )
$$;

do $$
declare
  t text;
begin
  foreach t in array array['clients', 'encounters', 'progress_notes', 'conditions'] loop
    execute format('alter table bench_naive.%I enable row level security', t);
    execute format('create policy naive on bench_naive.%I for select using '
      || '(bench_naive.client_visible(%I, current_user))', t,
      case t when 'clients' then 'id' else 'client_id' end);
  end loop;
end
$$;

grant usage on schema bench_naive to ehr_user;
grant select on all tables in schema bench_naive to ehr_user;
grant execute on function bench_naive.client_visible(bigint, name) to ehr_user;
