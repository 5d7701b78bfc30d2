// The committed api/schema.graphql is the API a freshly migrated database produces, so
// that a change to the database that changes the API shows up in review.
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  committedSchema,
  printApiSchema,
  schemaDiff,
  schemaFile,
} from "../../api/schema.ts";
import {
  adminConfig,
  createTestDatabase,
  type TestDatabase,
} from "../helpers/database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("api_schema");
});
afterAll(async () => {
  await db?.drop();
});

function connectionString(): string {
  const config = adminConfig(db.name);
  if (config.connectionString) {
    return config.connectionString;
  }
  const user = encodeURIComponent(String(config.user));
  const password = config.password
    ? `:${encodeURIComponent(String(config.password))}`
    : "";
  return `postgres://${user}${password}@${config.host}:${config.port}/${db.name}`;
}

it("the committed API schema matches the one the migrations produce", async () => {
  const printed = await printApiSchema(connectionString());
  if (process.env.UPDATE_API_SCHEMA === "1") {
    writeFileSync(schemaFile, printed);
  }
  const committed = committedSchema();
  if (committed !== printed) {
    expect.fail(
      `${schemaFile} differs from the schema the migrations produce. If the change is ` +
        "intended, regenerate it with UPDATE_API_SCHEMA=1 npm exec -- vitest run " +
        "test/api/schema.test.ts (or npm run serve -- schema against a freshly migrated " +
        `database) and commit it.\n${schemaDiff(committed, printed)}`,
    );
  }
});

it("keeps the package's internal functions out of the API", () => {
  const schema = committedSchema();
  for (const internal of [
    "clientExists",
    "callingRole",
    "resolveRole",
    "defineChartVisibleView",
    "protectClients",
    "protectChart",
    "unprotect",
    "policyNames",
    "allChartVisibleClients",
    "allProtectedTables",
  ]) {
    expect(schema).not.toMatch(new RegExp(`\\b${internal}\\b`));
  }
});
