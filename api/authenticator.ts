// The API's database login (the authenticator). It can do nothing by itself: it is
// NOINHERIT, never a superuser, never BYPASSRLS, and holds only the staff roles it must
// switch to. Each request runs as the staff member its token names (SET LOCAL ROLE), so
// the policies and grants see that person.
import type pg from "pg";

export class StartupError extends Error {}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Refuses a login role that would let the API see past the policies. */
export async function checkAuthenticator(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query(`
    select u.rolname, u.rolsuper, u.rolbypassrls, u.rolinherit,
      array(
        select g.rolname::text from pg_catalog.pg_auth_members m
        join pg_catalog.pg_roles g on g.oid = m.roleid
        where m.member = u.oid
          and (g.rolname ~ '^sequester_' or g.rolsuper or g.rolbypassrls)
        order by 1
      ) as forbidden_roles
    from pg_catalog.pg_roles u
    where u.rolname = current_user`);
  const login = rows[0];
  const name = login.rolname as string;
  if (login.rolsuper) {
    throw new StartupError(
      `refusing to start: the database login "${name}" is a superuser, which row-level ` +
        "security does not bind. Connect as an authenticator role instead " +
        "(see 'node api/main.ts authenticator --help').",
    );
  }
  if (login.rolbypassrls) {
    throw new StartupError(
      `refusing to start: the database login "${name}" has BYPASSRLS. ` +
        `Run: alter role ${quoteIdent(name)} nobypassrls`,
    );
  }
  if (login.rolinherit) {
    throw new StartupError(
      `refusing to start: the database login "${name}" inherits the privileges of its ` +
        `roles. Run: alter role ${quoteIdent(name)} noinherit`,
    );
  }
  if (login.forbidden_roles.length > 0) {
    const roles = login.forbidden_roles.join(", ");
    throw new StartupError(
      `refusing to start: the database login "${name}" is a member of ${roles}. ` +
        "It must hold staff roles only; grant package roles to staff members. " +
        `Run: revoke ${login.forbidden_roles.map(quoteIdent).join(", ")} from ${quoteIdent(name)}`,
    );
  }
  return name;
}

export interface AuthenticatorOptions {
  name: string;
  /** Staff roles the API may act as. */
  staff: string[];
  password?: string;
}

/**
 * The statements that create (or bring into line) the authenticator and grant it staff
 * roles. Run them as a role with CREATEROLE; running them again changes nothing.
 */
export function authenticatorSql(options: AuthenticatorOptions): string {
  const role = quoteIdent(options.name);
  const password = options.password
    ? ` password '${options.password.replaceAll("'", "''")}'`
    : "";
  const create = `do $$
begin
  create role ${role} login noinherit;
exception when duplicate_object then
  null;
end
$$;
alter role ${role} login noinherit${password};
`;
  const grants = options.staff
    .map((staff) => `grant ${quoteIdent(staff)} to ${role};\n`)
    .join("");
  return create + grants;
}

export async function createAuthenticator(
  client: pg.Client | pg.PoolClient,
  options: AuthenticatorOptions,
): Promise<void> {
  for (const staff of options.staff) {
    if (/^(pg_|sequester_)/.test(staff) || staff === options.name) {
      throw new StartupError(
        `"${staff}" is not a staff member's role; grant package roles to staff, ` +
          "and staff roles to the authenticator",
      );
    }
  }
  await client.query(authenticatorSql(options));
}

/** Staff roles granted to the current login, with their description as display name. */
export async function grantedStaff(
  pool: pg.Pool,
): Promise<{ role: string; displayName: string }[]> {
  const { rows } = await pool.query(`
    select g.rolname as role,
      coalesce(pg_catalog.shobj_description(g.oid, 'pg_authid'), g.rolname) as "displayName"
    from pg_catalog.pg_auth_members m
    join pg_catalog.pg_roles g on g.oid = m.roleid
    where m.member = (select oid from pg_catalog.pg_roles where rolname = current_user)
      and g.rolname !~ '^(pg_|sequester_)' and not g.rolsuper and not g.rolbypassrls
    order by 1`);
  return rows;
}
