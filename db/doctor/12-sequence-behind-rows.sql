-- Finding: a protected table whose ID sequence would hand out a value a row already
-- holds, usually after rows were loaded with explicit IDs. Staff never choose an ID, so
-- a unique key cannot answer for a hidden row, until the sequence lags: then a default
-- ID collides, the error says a row exists, and "insert ... on conflict ... do update
-- ... where <guess>" tests the guess on that row before the policies refuse it.
create function sequester.doctor_sequence_behind_rows()
returns table (severity text, finding text, object text, detail text, fix text)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  target record;
  largest numeric;
begin
  for target in
    select p.relid, a.attname, s.seqrelid::regclass as sequence,
      -- The value nextval() would return next.
      coalesce(pg_sequence_last_value(s.seqrelid) + s.seqincrement, s.seqstart) as next_value
    from sequester.protected_table p
    join pg_attribute a on a.attrelid = p.relid and a.attnum > 0 and not a.attisdropped
    join pg_depend d on d.refobjid = p.relid and d.refobjsubid = a.attnum
      and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i')
    join pg_sequence s on s.seqrelid = d.objid
    -- A descending sequence is left alone: nobody loads IDs below one.
    where p.parent is null and s.seqincrement > 0
  loop
    execute format('select max(%I)::numeric from %s', target.attname, target.relid)
      into largest;
    if largest >= target.next_value then
      severity := 'warning';
      finding := 'sequence behind its rows';
      object := format('%s.%I', target.relid, target.attname);
      detail := format('%s would give %s next, but the table already holds %s', target.sequence,
        target.next_value, largest);
      fix := format('select setval(%L, (select max(%I) from %s));', target.sequence::text,
        target.attname, target.relid);
      return next;
    end if;
  end loop;
end;
$$;

revoke execute on function sequester.doctor_sequence_behind_rows() from public;
