-- The organization's settings, one row. "Today" for every sequester comes from here,
-- never from the session: a staff member who sets TimeZone must not move midnight.
create table sequester.settings (
  singleton boolean primary key default true check (singleton),
  time_zone text not null default 'UTC',
  -- How long an emergency (break-glass) access lasts.
  break_glass_minutes bigint not null default 60 check (break_glass_minutes between 1 and 1440),
  updated_at timestamptz not null default now()
);

insert into sequester.settings default values;

-- An unknown zone name would make every protected query fail; refuse it on the way in.
create function sequester.settings_check_time_zone() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  -- Only Area/Location names (and UTC): AT TIME ZONE reads a name through the session's
  -- timezone_abbreviations first, which any session may change, and with it "today";
  -- tz database names such as EST or CET are abbreviations too, so they are refused.
  if not (new.time_zone = 'UTC' or (
    strpos(new.time_zone, '/') > 0
    and exists (select 1 from pg_timezone_names where name = new.time_zone)
  )) then
    raise exception 'unknown time zone "%"', new.time_zone
      using errcode = 'invalid_parameter_value',
        hint = 'Use UTC or an Area/Location name from pg_timezone_names, such as '
          || 'America/Los_Angeles; abbreviations such as EST are not accepted.';
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger settings_check_time_zone
  before insert or update on sequester.settings
  for each row execute function sequester.settings_check_time_zone();

-- The date in the organization's time zone when the current statement began (not the
-- transaction: a transaction held open across midnight must not keep yesterday's list).
-- Stable within a statement. Every policy asks it on every row it tests, so it is made
-- with the zone written in (define_today, whenever the setting changes) rather than
-- reading sequester.settings: a SQL-standard body of one expression, which the planner
-- inlines, so that asking costs no function call and no query. Its names are bound when
-- it is made, so a session's search_path cannot swap the clock for a function of its own.
create function sequester.define_today(p_time_zone text) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  execute format($f$
    create or replace function sequester.today() returns date
    language sql
    stable
    parallel safe
    begin atomic
      select pg_catalog.timezone(%L::text, pg_catalog.statement_timestamp())::pg_catalog.date;
    end
  $f$, p_time_zone);
end;
$$;

revoke execute on function sequester.define_today(text) from public;
select sequester.define_today(time_zone) from sequester.settings;

-- Runs as its owner, who owns today(), whoever changes the setting.
create function sequester.settings_define_today() returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  perform sequester.define_today(new.time_zone);
  return null;
end;
$$;

revoke execute on function sequester.settings_define_today() from public;

create trigger settings_define_today
  after insert or update of time_zone on sequester.settings
  for each row execute function sequester.settings_define_today();

grant select on sequester.settings to public;
