// Providers become staff: one login role each, named from a hash of the provider's
// Synthea ID, so that the name is the same on every import, safe to use unquoted, and
// says nothing about the person. The display name goes into the role's comment, which
// is what sequester.search_staff searches. CREATE ROLE is transactional: a failed
// import leaves no roles behind.
import { createHash } from "node:crypto";
import type pg from "pg";
import { ToolError } from "../lib/errors.ts";

export const defaultRolePrefix = "staff_";

export function checkRolePrefix(prefix: string): string {
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(prefix)) {
    throw new ToolError(
      `the role prefix "${prefix}" is not usable`,
      "Use up to 40 lowercase letters, digits and underscores, starting with a letter.",
    );
  }
  // Staff roles must not pass for the package's roles or PostgreSQL's own.
  if (/^(sequester_|pg_)/.test(prefix)) {
    throw new ToolError(
      `the role prefix "${prefix}" is reserved`,
      "Staff roles may not start with sequester_ or pg_; choose another prefix.",
    );
  }
  return prefix;
}

export function staffRoleName(prefix: string, providerId: string): string {
  const hash = createHash("sha256").update(providerId).digest("hex");
  return `${prefix}${hash.slice(0, 12)}`;
}

/**
 * Creates the login roles that do not exist yet, grants them the EHR's ordinary table
 * privileges, and returns how many it created. A role that exists already (made by an
 * import into another database of the cluster) is reused.
 */
export async function ensureStaffRoles(
  client: pg.Client,
  roles: readonly { name: string; displayName: string }[],
): Promise<number> {
  const existing = await client.query<{ rolname: string }>(
    "select rolname from pg_roles where rolname = any($1::text[])",
    [roles.map((role) => role.name)],
  );
  const present = new Set(existing.rows.map((row) => row.rolname));
  const missing = roles.filter((role) => !present.has(role.name));

  const statements = missing.flatMap(({ name, displayName }) => {
    const role = client.escapeIdentifier(name);
    return [
      `create role ${role} login`,
      `comment on role ${role} is ${client.escapeLiteral(displayName)}`,
      `grant ehr_user to ${role}`,
    ];
  });
  if (statements.length > 0) {
    await client.query(`${statements.join(";\n")};`);
  }
  return missing.length;
}
