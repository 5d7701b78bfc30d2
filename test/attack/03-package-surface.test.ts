// Everything of the package an ordinary staff member can reach, found by asking the
// catalog rather than by a list, so that a function or relation added later is attacked
// too: every function they may execute is called with the hidden ID and with a missing
// one (and with NULLs), at every message level and in read-only transactions; every
// relation they may read is searched by every integer column for both IDs.
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";
import {
  type AttackClinic,
  comparable,
  mentionsSecret,
  observe,
  openAttackClinic,
} from "./attacker.ts";

let db: TestDatabase;
let clinic: AttackClinic;
let staff: pg.Client;

interface Callable {
  signature: string;
  name: string;
  kind: string;
  types: string[];
}

useClinic(
  "attack_surface",
  (opened) => {
    ({ db, clinic } = opened);
  },
  openAttackClinic,
);
beforeAll(async () => {
  staff = await db.connectAs(clinic.roles.ordinary);
});

/** Functions in schema sequester the connected role may execute, trigger functions aside. */
async function executableFunctions(client: pg.Client): Promise<Callable[]> {
  const result = await client.query<Callable>(`
    select p.oid::regprocedure::text as signature,
      quote_ident(n.nspname) || '.' || quote_ident(p.proname) as name,
      p.prokind as kind,
      coalesce(array(select format_type(t, null) from unnest(p.proargtypes) t), '{}')
        as types
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'sequester'
      and has_function_privilege(p.oid, 'execute')
      and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
      and p.prokind in ('f', 'p')
    order by 1`);
  return result.rows;
}

const idTypes = new Set(["bigint", "integer", "smallint", "numeric"]);

/** A value for each argument: the ID for ID-typed ones, something plausible otherwise. */
function argument(type: string, id: number | null): string {
  if (idTypes.has(type)) {
    return id === null ? `null::${type}` : `${id}::${type}`;
  }
  const plausible: Record<string, string> = {
    text: "'probe: need this chart'::text",
    "character varying": "'probe'::varchar",
    name: "current_user::name",
    date: "current_date",
    "timestamp with time zone": "now()",
    boolean: "true",
    regclass: "'ehr.clients'::regclass",
    regrole: "current_user::regrole",
    "text[]": "array['probe']",
    "name[]": "array['id']::name[]",
  };
  return plausible[type] ?? `null::${type}`;
}

function callSql(fn: Callable, id: number | null, nulls = false): string {
  const args = fn.types
    .map((type) => (nulls ? `null::${type}` : argument(type, id)))
    .join(", ");
  return fn.kind === "p"
    ? `call ${fn.name}(${args})`
    : `select * from ${fn.name}(${args})`;
}

/** Runs a statement in a transaction that is rolled back, after the given settings. */
async function attempt(
  client: pg.Client,
  sql: string,
  settings: string,
): Promise<ReturnType<typeof observe>> {
  await client.query("begin");
  try {
    await client.query(settings);
    return await observe(client, sql);
  } finally {
    await client.query("rollback");
  }
}

const sessionModes: [string, string][] = [
  ["by default", ""],
  [
    "with every message level sent to the client",
    "set local client_min_messages = debug5",
  ],
  [
    "in a read-only transaction",
    "set transaction read only; set local client_min_messages = debug5",
  ],
  [
    "in another time zone, with LOG messages sent to the client",
    "set local timezone = 'Pacific/Kiritimati'; set local client_min_messages = log",
  ],
];

describe("every package function an ordinary staff member may execute", () => {
  it("includes at least open_chart and request_access (the enumeration works)", async () => {
    const names = (await executableFunctions(staff)).map((fn) => fn.signature);
    expect(names).toContain("sequester.open_chart(bigint)");
    expect(names).toContain("sequester.request_access(bigint,text)");
    // Only the definer's tests ask approves(): the pages it reads would tell a caller
    // which records approve a team.
    expect(names).not.toContain("sequester.approves(bigint,name)");
  });

  for (const [mode, settings] of sessionModes) {
    it(`answers the same for the hidden and the missing ID, ${mode}`, async () => {
      const functions = await executableFunctions(staff);
      const leaks: string[] = [];
      for (const fn of functions) {
        if (!fn.types.some((type) => idTypes.has(type))) {
          const once = await attempt(staff, callSql(fn, null), settings);
          if (mentionsSecret(once)) {
            leaks.push(`${fn.signature}: ${JSON.stringify(once)}`);
          }
          continue;
        }
        for (const id of [clinic.hidden, clinic.otherHidden]) {
          const hidden = await attempt(staff, callSql(fn, id), settings);
          const missing = await attempt(
            staff,
            callSql(fn, clinic.missing),
            settings,
          );
          const seenHidden = comparable(hidden, [id]);
          const seenMissing = comparable(missing, [clinic.missing]);
          if (seenHidden !== seenMissing) {
            leaks.push(
              `${fn.signature}\n  hidden:  ${seenHidden}\n  missing: ${seenMissing}`,
            );
          }
        }
      }
      expect(leaks.join("\n")).toBe("");
    });
  }

  it("answers NULL arguments without revealing anything", async () => {
    for (const fn of await executableFunctions(staff)) {
      const outcome = await attempt(
        staff,
        callSql(fn, null, true),
        "set local client_min_messages = debug5",
      );
      expect(mentionsSecret(outcome), fn.signature).toBe(false);
    }
  });

  it("the locked-search member gets the same answers for two locked clients", async () => {
    // To a locked-search member both sequestered clients are listed but locked; a
    // function that told them apart would reveal who is approved for which.
    const locked = await db.connectAs(clinic.roles.lockedSearch);
    const leaks: string[] = [];
    for (const fn of await executableFunctions(locked)) {
      if (!fn.types.some((type) => idTypes.has(type))) {
        continue;
      }
      const first = await attempt(
        locked,
        callSql(fn, clinic.hidden),
        "set local client_min_messages = debug5",
      );
      const second = await attempt(
        locked,
        callSql(fn, clinic.otherHidden),
        "set local client_min_messages = debug5",
      );
      // The request's own number and time differ by nature; nothing else may.
      const a = comparable(first, [clinic.hidden]).replace(/"id":"\d+"/g, "");
      const b = comparable(second, [clinic.otherHidden]).replace(
        /"id":"\d+"/g,
        "",
      );
      if (a !== b) {
        leaks.push(`${fn.signature}\n  one:   ${a}\n  other: ${b}`);
      }
    }
    expect(leaks.join("\n")).toBe("");
  });
});

describe("every relation an ordinary staff member may read", () => {
  async function readableColumns(client: pg.Client) {
    const result = await client.query<{
      relation: string;
      columns: string[];
    }>(`
      select c.oid::regclass::text as relation,
        coalesce(array(
          select quote_ident(a.attname) from pg_attribute a
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            and a.atttypid in ('int2'::regtype, 'int4'::regtype, 'int8'::regtype,
              'numeric'::regtype)
            and has_column_privilege(c.oid, a.attnum, 'select')
          order by a.attnum), '{}') as columns
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'f')
        and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
        and n.nspname !~ '^pg_temp'
        and has_table_privilege(c.oid, 'select')
      order by 1`);
    return result.rows;
  }

  it("includes the reference schema and settings (enumeration works)", async () => {
    const relations = (await readableColumns(staff)).map((r) => r.relation);
    expect(relations).toContain("sequester.settings");
    expect(relations).toContain("ehr.clients");
    expect(relations).not.toContain("sequester.client_access");
  });

  it("shows none of a hidden client's data in any readable relation", async () => {
    for (const { relation } of await readableColumns(staff)) {
      const outcome = await observe(
        staff,
        `select row_to_json(r)::text from ${relation} r`,
      );
      expect(outcome.error, relation).toBeUndefined();
      expect(mentionsSecret(outcome), relation).toBe(false);
    }
  });

  it("answers a search by any integer column alike for hidden and missing", async () => {
    const leaks: string[] = [];
    for (const { relation, columns } of await readableColumns(staff)) {
      for (const column of columns) {
        const sql = `select * from ${relation} where ${column} = $1`;
        const hidden = await observe(staff, sql, [clinic.hidden]);
        const missing = await observe(staff, sql, [clinic.missing]);
        if (
          comparable(hidden, [clinic.hidden]) !==
          comparable(missing, [clinic.missing])
        ) {
          leaks.push(`${relation}.${column}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it("reads nothing of the Client Access List, its staff, roles or audit trail", async () => {
    const result = await staff.query<{ relation: string }>(`
      select c.oid::regclass::text as relation from pg_class c
      where c.relnamespace = 'sequester'::regnamespace and c.relkind in ('r', 'p')
        and has_table_privilege(c.oid, 'select')
      order by 1`);
    // Settings (the time zone) and the staff member's own access requests only.
    expect(result.rows.map((row) => row.relation)).toEqual([
      "sequester.access_request",
      "sequester.settings",
    ]);
  });
});
