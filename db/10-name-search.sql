-- Name search that row-level security lets an index serve.
--
-- Why it exists: under the policies, PostgreSQL evaluates a condition of the query below
-- the security quals (as an index condition, or before the policy's own test) only when
-- every function in it is leakproof: otherwise a function could tell the caller, through
-- an error, something about a row the policy would have hidden. LIKE and ILIKE are not
-- leakproof (a pattern ending in the escape character raises an error, and the pattern
-- may be row data), so `search_name ilike '%mit%'` under the policies reads every row,
-- runs the policy on each, and only then matches. sequester.~~* does what ILIKE does on
-- names, cannot fail, and is leakproof; a trigram index in the operator class below
-- serves it, so a contains search reads only the candidate rows.

-- pg_trgm provides the trigram machinery the operator class reuses. It goes in public
-- (or stays wherever the database already has it), never in sequester: an extension
-- belongs to the whole database, the host may already use it for its own indexes, and
-- dropping the sequester schema must not take it, or those indexes, with it. The package
-- names its functions through pg_extension below, so their schema does not matter.
create extension if not exists pg_trgm with schema public;

-- ILIKE for the search box: true when lower(haystack) matches lower(pattern) as a LIKE
-- pattern (% any run of characters, _ one character, \ escapes the next one).
--
-- Why it is leak-proof: it has no side effects, its answer is only its return value, and
-- no argument, whether it comes from the caller or from a row the caller may not see,
-- can make it raise an error. Every error path of the expressions it evaluates is closed:
--   - LIKE raises on a pattern that ends in a lone escape character: an odd run of
--     trailing backslashes gets one more, so the last one matches a literal backslash.
--   - LIKE raises under a nondeterministic collation, and lower() when no collation can
--     be chosen: both sides are cast to the database's default collation, so the caller's
--     COLLATE clause never reaches them.
--   - lower() allocates about four bytes per byte of its argument, and LIKE recurses once
--     per % of the pattern: a haystack over 40,000 bytes or a pattern over 1,000 bytes is
--     answered false without being read (octet_length reads the stored size only), so
--     memory and stack use stay small and the same for every row.
--   - NULL in either argument returns NULL (strict); the function is never called.
--   - Nothing a session sets reaches it: every function, operator and collation is named
--     with its schema (a search_path with a look-alike operator of the caller's first
--     changes nothing), there are no variables to shadow, and the backslash is written
--     E'\\', which standard_conforming_strings does not change. A function that failed to
--     compile in some session would fail on the first row it met, telling that a row was
--     there; the body is written so that it compiles under any setting.
--   - Text in the database is always valid in its encoding, so lower() and LIKE meet no
--     invalid character.
-- What remains is common to every leakproof function of PostgreSQL itself (a server out
-- of memory, a cancelled query) and does not depend on the arguments' contents.
--
-- Limitation: names over 40,000 bytes, and patterns over 1,000 bytes, never match; no
-- name or search box comes near either.
create function sequester.name_ilike(haystack text, pattern text) returns boolean
language plpgsql
immutable
strict
parallel safe
leakproof
-- Cheap, so that the planner considers the index for it. The policies' own test is
-- declared cheaper still (sequester.sees_chart), so on the rows the index yields the
-- policy runs first and a hidden row's name is never matched.
cost 5
as $$
begin
  if pg_catalog.octet_length(haystack) operator(pg_catalog.>) 40000
    or pg_catalog.octet_length(pattern) operator(pg_catalog.>) 1000 then
    return false;
  end if;

  if (pg_catalog.length(pattern) operator(pg_catalog.-)
      pg_catalog.length(pg_catalog.rtrim(pattern, E'\\'))) operator(pg_catalog.%) 2
    operator(pg_catalog.=) 1 then
    pattern := pattern operator(pg_catalog.||) E'\\';
  end if;

  return pg_catalog.lower(haystack collate pg_catalog."default")
    operator(pg_catalog.~~) pg_catalog.lower(pattern collate pg_catalog."default");
end;
$$;

grant execute on function sequester.name_ilike(text, text) to public;

-- The operator the search box writes: search_name operator(sequester.~~*) '%smi%'. It is
-- named after ILIKE but lives in sequester, so an ILIKE in anyone's query stays ILIKE.
create operator sequester.~~* (
  function = sequester.name_ilike,
  leftarg = text,
  rightarg = text,
  restrict = iclikesel,
  join = iclikejoinsel
);

-- A GIN operator class whose only operator is ours, on pg_trgm's support functions: the
-- index reads the pattern's trigrams as for ILIKE (strategy 4), and every candidate row
-- is rechecked with sequester.~~* itself.
do $$
declare
  trgm name := (
    select n.nspname
    from pg_catalog.pg_extension e
    join pg_catalog.pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pg_trgm'
  );
begin
  execute format($class$
    create operator class sequester.name_trgm_ops for type text using gin as
      operator 4 sequester.~~* (text, text),
      function 1 pg_catalog.btint4cmp (int4, int4),
      function 2 %1$I.gin_extract_value_trgm (text, internal),
      function 3 %1$I.gin_extract_query_trgm (text, internal, int2, internal, internal,
        internal, internal),
      function 4 %1$I.gin_trgm_consistent (internal, int2, text, int4, internal, internal,
        internal, internal),
      function 6 %1$I.gin_trgm_triconsistent (internal, int2, text, int4, internal, internal,
        internal),
      storage int4
  $class$, trgm);
end
$$;

-- The reference schema's search index, when the reference schema is installed. A host
-- application creates the same on its own name column (create index concurrently, on
-- a busy table).
do $$
begin
  if to_regclass('ehr.clients') is not null then
    create index clients_search_name_trgm on ehr.clients
      using gin (search_name sequester.name_trgm_ops);
  end if;
end
$$;
