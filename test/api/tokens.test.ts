// Who may talk to the API at all: tokens that are missing, forged, expired, unsigned or
// that claim a role the API must never act as are refused before any data is read, and
// the server refuses to start as a login that row-level security would not bind.
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../../api/server.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
  type Api,
  createAuthenticator,
  errorOf,
  loginConfig,
  secret,
  startApi,
} from "./harness.ts";

let db: TestDatabase;
let api: Api;
let staff: string;
let editorStaff: string;
let outsider: string;

beforeAll(async () => {
  db = await createTestDatabase("api_tokens");
  staff = await db.createRole("staff");
  editorStaff = await db.createRole("editor");
  outsider = await db.createRole("outsider");
  const admin = await db.admin();
  await admin.query(`grant ehr_user to ${staff}, ${editorStaff}, ${outsider}`);
  await admin.query(`grant sequester_editor to ${editorStaff}`);
  api = await startApi(db, await createAuthenticator(db, [staff, editorStaff]));
});

afterAll(async () => {
  await api?.served.close();
  await db?.drop();
});

const query = "{ allClientAccesses { totalCount } }";
const sign = (claims: object, key = secret) =>
  new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(key));

const expectRefused = async (
  token: string | null,
  status: number,
  message: RegExp,
) => {
  const result = await api.gql(token, query);
  expect(result.status).toBe(status);
  expect(result.data).toBeUndefined();
  expect(errorOf(result)).toMatch(message);
  expect(result.errors?.[0].extensions?.code).toBe(
    status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN",
  );
};

describe("tokens", () => {
  it("a request without a token gets no data", async () => {
    await expectRefused(null, 401, /Authentication required/);
  });

  it("a token signed with another key is refused", async () => {
    const forged = await sign(
      { role: editorStaff },
      "another-secret-that-is-also-long-enough",
    );
    await expectRefused(forged, 401, /signature is not valid/);
  });

  it("an expired token is refused", async () => {
    const expired = await new SignJWT({ role: editorStaff })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    await expectRefused(expired, 401, /expired/);
  });

  it("an unsigned token (alg none) is refused", async () => {
    const encode = (part: object) =>
      Buffer.from(JSON.stringify(part)).toString("base64url");
    const exp = Math.floor(Date.now() / 1000) + 300;
    const header = encode({ alg: "none", typ: "JWT" });
    const unsigned = `${header}.${encode({ role: editorStaff, exp })}.`;
    await expectRefused(unsigned, 401, /algorithm|malformed/);
  });

  it("a token without an expiry is refused", async () => {
    const forever = await new SignJWT({ role: editorStaff })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(secret));
    await expectRefused(forever, 401, /"exp" claim/);
  });

  it("a malformed Authorization header is refused", async () => {
    const response = await fetch(`${api.served.url}graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Basic abc",
      },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(401);
  });

  it("a token naming a superuser is refused", async () => {
    await expectRefused(await sign({ role: "postgres" }), 403, /superuser/);
  });

  it("a token naming a package role is refused, though a staff role holds it", async () => {
    await expectRefused(
      await sign({ role: "sequester_editor" }),
      403,
      /package or system role/,
    );
  });

  it("a token naming the authenticator itself is refused", async () => {
    await expectRefused(
      await sign({ role: api.authenticator }),
      403,
      /own login role/,
    );
  });

  it("a token naming a role not granted to the authenticator is refused", async () => {
    await expectRefused(
      await sign({ role: outsider }),
      403,
      /not been granted/,
    );
    await expectRefused(
      await sign({ role: `${db.prefix}nobody` }),
      403,
      /no such role/,
    );
  });

  it("a token without a role claim is refused", async () => {
    await expectRefused(await sign({ sub: "someone" }), 401, /"role" claim/);
  });

  it("a valid token acts as its staff member, with that member's grants", async () => {
    const asEditor = await api.gql(await api.token(editorStaff), query);
    expect(asEditor.data.allClientAccesses.totalCount).toBe(0);
    const asStaff = await api.gql(await api.token(staff), query);
    expect(errorOf(asStaff)).toBe("permission denied for table client_access");
  });

  it("a staff role taken from the authenticator is refused on the next request", async () => {
    const leaver = await db.createRole("leaver");
    const admin = await db.admin();
    await admin.query(`grant ${leaver} to ${api.authenticator}`);
    const leaverToken = await api.token(leaver);
    expect((await api.gql(leaverToken, "{ today }")).status).toBe(200);
    await admin.query(`revoke ${leaver} from ${api.authenticator}`);
    await expectRefused(leaverToken, 403, /not been granted/);
  });

  it("the Ruru explorer page is served without a token, and holds no data", async () => {
    const response = await fetch(api.served.url, {
      headers: { accept: "text/html" },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("ruru");
  });

  it("the CSV export asks for a token too", async () => {
    const exported = await api.exportCsv(null);
    expect(exported.status).toBe(401);
  });
});

describe("asymmetric keys", () => {
  it("accepts RS256 tokens from the key's owner, not HS256 ones keyed by it", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const pem = await exportSPKI(publicKey);
    const served = await serve({
      port: 0,
      database: loginConfig(db, api.authenticator),
      keys: { publicKey: pem, algorithm: "RS256" },
    });
    try {
      const post = (token: string) =>
        fetch(`${served.url}graphql`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${token}`,
          },
          body: JSON.stringify({ query }),
        });
      const good = await new SignJWT({ role: editorStaff })
        .setProtectedHeader({ alg: "RS256" })
        .setExpirationTime("5m")
        .sign(privateKey);
      expect((await post(good)).status).toBe(200);
      const confused = await sign({ role: editorStaff }, pem);
      expect((await post(confused)).status).toBe(401);
    } finally {
      await served.close();
    }
  });
});

describe("starting the server", () => {
  const startAs = (login: string, keys = { secret }) =>
    serve({ port: 0, database: loginConfig(db, login), keys });

  it("refuses a superuser login", async () => {
    await expect(startAs("postgres")).rejects.toThrow(/is a superuser/);
  });

  it("refuses a login with BYPASSRLS", async () => {
    const login = await db.createRole("bypass", "login noinherit bypassrls");
    await expect(startAs(login)).rejects.toThrow(/BYPASSRLS/);
  });

  it("refuses a login that inherits its roles' privileges", async () => {
    const login = await db.createRole("inherits", "login inherit");
    await expect(startAs(login)).rejects.toThrow(/noinherit/);
  });

  it("refuses a login that holds a package role directly", async () => {
    const login = await db.createRole("holder", "login noinherit");
    const admin = await db.admin();
    await admin.query(`grant sequester_viewer to ${login}`);
    await expect(startAs(login)).rejects.toThrow(/member of sequester_viewer/);
  });

  it("refuses to start without a secret or key", async () => {
    await expect(
      startAs(api.authenticator, {} as { secret: string }),
    ).rejects.toThrow(/JWT_SECRET/);
  });
});
