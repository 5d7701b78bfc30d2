-- Finding: a restrictive policy of the host's on a protected table whose name sorts
-- before the package's. PostgreSQL applies restrictive policies in name order, and only
-- the first runs before a caller's cheap leakproof condition; behind another policy, the
-- package's test would let a caller's guess about a hidden row run first (SECURITY.md).
create view sequester.doctor_policy_before_the_package as
select
  'error'::text as severity,
  'policy ordered before the package'::text as finding,
  format('%s on %s', pol.polname, p.relid) as object,
  format('restrictive policy %I sorts before the package''s policies on %s', pol.polname,
    p.relid) as detail,
  format('alter policy %I on %s rename to %I;', pol.polname, p.relid,
    'z ' || pol.polname) as fix
from sequester.protected_table p
join pg_policy pol on pol.polrelid = p.relid
where not pol.polpermissive
  and not sequester.is_rule_policy(pol.polname)
  and pol.polname < (
    select min(own.polname) from pg_policy own
    where own.polrelid = p.relid and sequester.is_rule_policy(own.polname)
  );
