import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("smoke");
});
afterAll(async () => {
  await db?.drop();
});

describe("harness", () => {
  it("connects as a fresh login role", async () => {
    const role = await db.createRole("someone");
    const client = await db.connectAs(role);
    const result = await client.query("select current_user as me");
    expect(result.rows[0].me).toBe(role);
  });
});
