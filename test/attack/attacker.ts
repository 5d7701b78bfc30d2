// The attack suite's clinic and its attacker's tools. The clinic is openClinic's with
// two more sequestered clients whose IDs are long and distinctive, so that an ID can be
// cut out of any message, and an ID in between that never existed. Every attack runs a
// statement once with the hidden client's ID and once with the missing one, and the
// two outcomes (rows, error, notices, with the IDs blanked) must be identical.
import type pg from "pg";
import { type Clinic, openClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

export interface AttackClinic extends Clinic {
  /** Sequestered; approved: roles.approved and the crisis team. Full chart. */
  hidden: number;
  /** Never sequestered. Full chart. */
  visible: number;
  /** Sequestered; approved: otherApproved only. */
  otherHidden: number;
  /** An ID that no client ever had. */
  missing: number;
  /** Encounter IDs of the three clients above. */
  encounters: { hidden: number; visible: number; otherHidden: number };
  otherApproved: string;
  otherSequenceId: number;
}

export const HIDDEN = 7_310_000_001;
export const VISIBLE = 7_310_000_002;
export const OTHER_HIDDEN = 7_310_000_003;
export const MISSING = 7_310_000_009;

export async function openAttackClinic(
  db: TestDatabase,
): Promise<AttackClinic> {
  const clinic = await openClinic(db);
  const otherApproved = await db.createRole("other_approved");
  const admin = await db.admin();
  await admin.query(`grant ehr_user to ${otherApproved}`);
  await admin.query(
    `insert into ehr.clients (id, first_name, last_name, birth_date, ssn, city) values
       ($1, 'Celia', 'Secretname', '1970-05-05', '999-11-2222', 'Hiddenville'),
       ($2, 'Victor', 'Openname', '1971-06-06', '999-33-4444', 'Openville'),
       ($3, 'Oscar', 'Otherhidden', '1972-07-07', '999-55-6666', 'Hiddenville')`,
    [HIDDEN, VISIBLE, OTHER_HIDDEN],
  );
  const ids = [HIDDEN, VISIBLE, OTHER_HIDDEN];
  const encounters = await admin.query<{ id: string; client_id: string }>(
    `insert into ehr.encounters (client_id, description, started_at)
     select unnest($1::bigint[]), 'secret encounter', now() - interval '1 day'
     returning id, client_id`,
    [ids],
  );
  const encounterOf = (client: number) =>
    Number(encounters.rows.find((row) => Number(row.client_id) === client)?.id);
  await admin.query(
    `insert into ehr.conditions (client_id, description, onset_date)
       select unnest($1::bigint[]), 'secret condition', current_date - 10;
     insert into ehr.medications (client_id, description, started_at)
       select unnest($1::bigint[]), 'secret medication', now() - interval '10 days';
     insert into ehr.procedures (client_id, description, performed_at)
       select unnest($1::bigint[]), 'secret procedure', now() - interval '10 days';
     insert into ehr.care_plans (client_id, description, start_date)
       select unnest($1::bigint[]), 'secret care plan', current_date - 10;
     insert into ehr.allergies (client_id, description, start_date)
       select unnest($1::bigint[]), 'secret allergy', current_date - 10;
     insert into ehr.progress_notes (client_id, note)
       select unnest($1::bigint[]), 'secret note';`.replaceAll(
      "$1::bigint[]",
      `array[${ids.join(",")}]::bigint[]`,
    ),
  );

  const editor = await db.connectAs(clinic.roles.editor);
  const [first, second] = await Promise.all(
    [HIDDEN, OTHER_HIDDEN].map(async (client) => {
      const result = await editor.query<{ id: string }>(
        `insert into sequester.client_access (client_id, start_date, comments)
         values ($1, sequester.today() - 1, 'attack suite') returning id`,
        [client],
      );
      return Number(result.rows[0].id);
    }),
  );
  await editor.query("select sequester.add_staff($1, $2)", [
    first,
    clinic.roles.approved,
  ]);
  await editor.query("select sequester.add_user_role($1, $2)", [
    first,
    clinic.roles.crisisTeam,
  ]);
  await editor.query("select sequester.add_staff($1, $2)", [
    second,
    otherApproved,
  ]);
  await admin.query("analyze");
  return {
    ...clinic,
    hidden: HIDDEN,
    visible: VISIBLE,
    otherHidden: OTHER_HIDDEN,
    missing: MISSING,
    encounters: {
      hidden: encounterOf(HIDDEN),
      visible: encounterOf(VISIBLE),
      otherHidden: encounterOf(OTHER_HIDDEN),
    },
    otherApproved,
    otherSequenceId: second,
  };
}

/** The fields of a notice the server sends (pg's NoticeMessage). */
interface Notice {
  severity?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

/** What an attacker sees from one statement: rows, or the error, and every notice. */
export interface Outcome {
  rows: unknown[];
  rowCount: number | null;
  error?: {
    code?: string;
    message: string;
    detail?: string;
    hint?: string;
    where?: string;
  };
  notices: string[];
}

export async function observe(
  client: pg.Client,
  sql: string,
  values: unknown[] = [],
): Promise<Outcome> {
  const notices: string[] = [];
  const listener = (notice: Notice) => {
    notices.push(
      [notice.severity, notice.message, notice.detail, notice.hint]
        .filter(Boolean)
        .join(" | "),
    );
  };
  client.on("notice", listener);
  try {
    const result = await client.query(sql, values);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: last.rows, rowCount: last.rowCount, notices };
  } catch (caught) {
    const error = caught as pg.DatabaseError;
    return {
      rows: [],
      rowCount: null,
      error: {
        code: error.code,
        message: error.message,
        detail: error.detail,
        hint: error.hint,
        where: error.where,
      },
      notices,
    };
  } finally {
    // Notices arrive before the statement's result; let any in flight land first.
    await new Promise((resolve) => setImmediate(resolve));
    client.off("notice", listener);
  }
}

/** An outcome as text with the given IDs blanked, for comparing two of them. */
export function blanked(outcome: Outcome, ids: number[]): string {
  let text = JSON.stringify(outcome);
  for (const id of ids) {
    text = text.replaceAll(String(id), "<id>");
  }
  return text;
}

/**
 * Runs `sql` with `$1` bound to the hidden client's ID and then to the missing ID
 * (wrapped in a savepoint-free fresh statement each), and returns both outcomes blanked.
 * `prepare` runs before each, e.g. to reset the session.
 */
export async function hiddenVersusMissing(
  client: pg.Client,
  clinic: AttackClinic,
  sql: string,
  extra: unknown[] = [],
  options: { hidden?: number; missing?: number } = {},
): Promise<{ hidden: string; missing: string }> {
  const hiddenId = options.hidden ?? clinic.hidden;
  const missingId = options.missing ?? clinic.missing;
  const onHidden = await observe(client, sql, [hiddenId, ...extra]);
  const onMissing = await observe(client, sql, [missingId, ...extra]);
  return {
    hidden: blanked(onHidden, [hiddenId]),
    missing: blanked(onMissing, [missingId]),
  };
}

/** Same as hiddenVersusMissing, for SQL text that has the ID spliced in as `:id`. */
export async function hiddenVersusMissingText(
  client: pg.Client,
  clinic: AttackClinic,
  sql: string,
  options: { hidden?: number; missing?: number } = {},
): Promise<{ hidden: string; missing: string }> {
  const hiddenId = options.hidden ?? clinic.hidden;
  const missingId = options.missing ?? clinic.missing;
  const onHidden = await observe(
    client,
    sql.replaceAll(":id", String(hiddenId)),
  );
  const onMissing = await observe(
    client,
    sql.replaceAll(":id", String(missingId)),
  );
  return {
    hidden: blanked(onHidden, [hiddenId]),
    missing: blanked(onMissing, [missingId]),
  };
}

/** Everything the attacker could have read from a result: for "contains no secret". */
export function mentionsSecret(outcome: Outcome | string): boolean {
  const text = typeof outcome === "string" ? outcome : JSON.stringify(outcome);
  return /Secretname|Celia|999-11-2222|Otherhidden|Oscar|999-55-6666|7310000001|7310000003/.test(
    text,
  );
}

/**
 * Like blanked, and also blind to what differs between any two statements: transaction
 * numbers in DEBUG messages and timestamps.
 */
export function comparable(outcome: Outcome, ids: number[]): string {
  const text = blanked(
    {
      ...outcome,
      notices: outcome.notices.map((notice) =>
        notice.startsWith("DEBUG")
          ? notice.replace(/xid\/subid\/cid: [\d/]+|children: [\d ,]+/g, "")
          : notice,
      ),
    },
    ids,
  );
  return text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>");
}

/** Runs SQL through psql as a login role (the attacker's own prompt); stdout and stderr. */
export async function psqlAs(
  db: TestDatabase,
  role: string,
  sql: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  const { spawn } = await import("node:child_process");
  const { adminConfig } = await import("../helpers/database.ts");
  const config = adminConfig(db.name);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGUSER: role,
    PGDATABASE: db.name,
  };
  delete env.PGPASSWORD;
  const args = ["-X", "-q", "-v", "ON_ERROR_STOP=0", "-f", "-"];
  if (config.connectionString) {
    const url = new URL(config.connectionString);
    url.username = role;
    url.password = "";
    args.unshift("-d", url.toString());
  } else {
    env.PGHOST = String(config.host ?? "127.0.0.1");
    env.PGPORT = String(config.port ?? 5432);
  }
  return new Promise((resolve, reject) => {
    const child = spawn("psql", args, { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({ status: status ?? -1, stdout, stderr }),
    );
    child.stdin.end(sql);
  });
}
