// Who a request acts for. A request carries a JWT whose `role` claim names a staff
// member's PostgreSQL role; the server verifies the token, then asks the database
// whether its login role may act as that role, on every request (no cache, so a role
// taken away from the authenticator stops working on the next request).
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import {
  errors,
  importSPKI,
  type JWTPayload,
  jwtVerify,
  type KeyObject,
  SignJWT,
} from "jose";
import type pg from "pg";

export interface KeyOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** PEM public key (SPKI) for an asymmetric algorithm. */
  publicKey?: string;
  /** The one algorithm accepted: HS256 with a secret, RS256 by default with a key. */
  algorithm?: string;
  audience?: string;
  issuer?: string;
}

/** A refusal that the HTTP layer returns as a GraphQL error with this status. */
export class AuthError extends Error {
  readonly status: 401 | 403;
  readonly code: string;
  constructor(status: 401 | 403, message: string) {
    super(message);
    this.status = status;
    this.code = status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN";
  }
}

export type Verifier = (token: string) => Promise<JWTPayload>;

export async function makeVerifier(options: KeyOptions): Promise<Verifier> {
  const { secret, publicKey, audience, issuer } = options;
  if (secret && publicKey) {
    throw new Error("give JWT_SECRET or JWT_PUBLIC_KEY, not both");
  }
  if (!secret && !publicKey) {
    throw new Error("no JWT_SECRET or JWT_PUBLIC_KEY is set");
  }
  const algorithm = options.algorithm ?? (secret ? "HS256" : "RS256");
  if (secret && !/^HS(256|384|512)$/.test(algorithm)) {
    throw new Error(`a shared secret cannot verify ${algorithm} tokens`);
  }
  if (secret) checkSecret(secret);
  const key: Uint8Array | CryptoKey | KeyObject = secret
    ? new TextEncoder().encode(secret)
    : await importSPKI(publicKey as string, algorithm);

  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [algorithm],
        requiredClaims: ["exp"],
        ...(audience ? { audience } : {}),
        ...(issuer ? { issuer } : {}),
      });
      return payload;
    } catch (error) {
      throw new AuthError(401, describeTokenError(error));
    }
  };
}

function describeTokenError(error: unknown): string {
  if (error instanceof errors.JWTExpired) {
    return "The token has expired; get a new one";
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return "The token is signed with an algorithm this server does not accept";
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return "The token's signature is not valid for this server";
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The token's "${error.claim}" claim is missing or not accepted`;
  }
  return "The token is malformed; send a signed JWT as 'Authorization: Bearer <token>'";
}

/** The bearer token of a request, or null when it sends none. */
export function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (!header) {
    return null;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new AuthError(
      401,
      "The Authorization header must read 'Bearer <token>'",
    );
  }
  return match[1];
}

// Whether the login role may act as the named role: only a role granted to it directly
// (a person's role), never a package role (sequester_*), a system role (pg_*), a role
// that bypasses row-level security, or the login role itself. A NOINHERIT login role
// could still SET ROLE to a package role its staff roles hold, so the check is here.
const admissionSql = `
  select r.rolname,
    r.rolsuper or r.rolbypassrls as privileged,
    r.rolname ~ '^(pg_|sequester_)' as package_role,
    r.rolname = current_user as is_self,
    exists (
      select 1 from pg_catalog.pg_auth_members m
      where m.roleid = r.oid
        and m.member = (select u.oid from pg_catalog.pg_roles u where u.rolname = current_user)
    ) as granted
  from pg_catalog.pg_roles r
  where r.rolname = $1`;

export async function admitRole(
  pool: pg.Pool,
  claims: JWTPayload,
): Promise<string> {
  const role = claims.role;
  if (typeof role !== "string" || role === "") {
    throw new AuthError(
      401,
      'The token has no "role" claim naming a staff member',
    );
  }
  const { rows } = await pool.query(admissionSql, [role]);
  const found = rows[0];
  const refuse = (why: string) =>
    new AuthError(
      403,
      `The token's role "${role}" cannot be used here: ${why}`,
    );
  if (!found) {
    throw refuse("no such role exists");
  }
  if (found.privileged) {
    throw refuse("it is a superuser or bypasses row-level security");
  }
  if (found.package_role) {
    throw refuse(
      "it is a package or system role, not a person; name the staff member's role",
    );
  }
  if (found.is_self) {
    throw refuse("it is the API's own login role");
  }
  if (!found.granted) {
    throw refuse("the API's login role has not been granted it");
  }
  return role;
}

/** The one rule for a shared secret, for verifying and for signing alike. */
function checkSecret(secret: string): void {
  if (Buffer.byteLength(secret) < 32) {
    throw new Error(
      "JWT_SECRET is shorter than 32 bytes; use a longer random one",
    );
  }
}

export async function signToken(
  secret: string,
  role: string,
  expiresIn = "12h",
): Promise<string> {
  checkSecret(secret);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

export function randomSecret(): string {
  return randomBytes(32).toString("base64url");
}
