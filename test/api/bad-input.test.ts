// Bad input at the API's door: malformed bodies and queries, huge inputs and deep
// nesting get a clear error, the server keeps answering, and the list is unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type Api, createAuthenticator, startApi } from "./harness.ts";

let db: TestDatabase;
let api: Api;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase("api_bad_input");
  const editor = await db.createRole("editor");
  const admin = await db.admin();
  await admin.query(`grant ehr_user, sequester_editor to ${editor}`);
  await admin.query(
    "insert into ehr.clients (first_name, last_name, birth_date) values ('A', 'B', '1990-01-01')",
  );
  api = await startApi(db, await createAuthenticator(db, [editor]));
  token = await api.token(editor);
});
afterAll(async () => {
  await api?.served.close();
  await db?.drop();
});

async function post(body: string, contentType = "application/json") {
  const response = await fetch(`${api.served.url}graphql`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      accept: "application/json",
      authorization: `Bearer ${token}`,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, text };
}

async function listSize(): Promise<number> {
  const result = await api.gql(token, "{ allClientAccesses { totalCount } }");
  return result.data.allClientAccesses.totalCount;
}

describe("the administration API", () => {
  it("answers a body that is not JSON with a 4xx error, not a crash", async () => {
    const result = await post("{not json");
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(await listSize()).toBe(0);
  });

  it("answers a query with a syntax error with the GraphQL error", async () => {
    const result = await api.gql(token, "{ allClientAccesses { totalCount ");
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0].message).toMatch(/Syntax Error/);
  });

  it("answers a field that does not exist with its name", async () => {
    const result = await api.gql(token, "{ noSuchField }");
    expect(result.errors?.[0].message).toContain("noSuchField");
  });

  it("refuses an ID that is not a number, saying so, and changes nothing", async () => {
    const result = await api.gql(
      token,
      `mutation ($id: BigInt!) {
        endSequester(input: { clientAccessId: $id }) { clientMutationId }
      }`,
      { id: "not a number" },
    );
    expect(result.data?.endSequester ?? null).toBeNull();
    expect(result.errors?.[0].message).toMatch(/bigint|BigInt/);
    expect(await listSize()).toBe(0);
  });

  it("refuses a body of many megabytes, and keeps answering", async () => {
    const huge = JSON.stringify({
      query: `{ __typename } # ${"x".repeat(20_000_000)}`,
    });
    const result = await post(huge);
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(await listSize()).toBe(0);
  });

  it("stores a long comment exactly or refuses it, and never half", async () => {
    const created = await api.gql(
      token,
      `mutation ($comments: String!) {
        createClientAccess(input: { clientAccess: {
          clientId: "1", startDate: "2030-01-01", comments: $comments } }) {
          clientAccess { comments }
        }
      }`,
      { comments: "é".repeat(100_000) },
    );
    if (created.errors) {
      expect(await listSize()).toBe(0);
    } else {
      expect(
        created.data.createClientAccess.clientAccess.comments,
      ).toHaveLength(100_000);
      expect(await listSize()).toBe(1);
    }
  });

  it("answers a deeply nested query with an error, not by exhausting the server", async () => {
    const depth = 2_000;
    const nested = `${"{ query ".repeat(depth)}{ __typename }${" }".repeat(depth)}`;
    const result = await post(JSON.stringify({ query: nested }));
    expect(result.status).toBeLessThan(500);
    expect(result.text).toMatch(/error/i);
    expect(await listSize()).toBeGreaterThanOrEqual(0);
  });
});
