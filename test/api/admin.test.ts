// The administration API as each package role and each kind of staff member uses it,
// over HTTP against a real server. Nothing in the API filters: what each one sees and
// may do comes from the grants and the policies.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type Api, createAuthenticator, errorOf, startApi } from "./harness.ts";

const lockedMessage = "You do not have permission to view this client's chart";

let db: TestDatabase;
let admin: pg.Client;
let api: Api;
const role: Record<string, string> = {};
const token: Record<string, string> = {};
let vip: string;
let plain: string;
let sequenceId: string;
let today: string;

const staffKinds = [
  "viewer",
  "editor",
  "auditor",
  "locked",
  "ordinary",
  "approved",
  "nurse",
];

beforeAll(async () => {
  db = await createTestDatabase("api_admin");
  for (const kind of staffKinds) {
    role[kind] = await db.createRole(kind);
  }
  role.crisis = await db.createRole("crisis_team", "nologin");
  admin = await db.admin();
  await admin.query(
    `grant ehr_user to ${staffKinds.map((kind) => role[kind]).join(", ")}`,
  );
  await admin.query(`grant sequester_viewer to ${role.viewer}`);
  await admin.query(`grant sequester_editor to ${role.editor}`);
  await admin.query(`grant sequester_auditor to ${role.auditor}`);
  await admin.query(`grant sequester_locked_search to ${role.locked}`);
  await admin.query(`grant ${role.crisis} to ${role.nurse}`);
  await admin.query(
    `comment on role ${role.approved} is 'Dr. Ada Approved ${db.prefix}'`,
  );
  const clients = await admin.query(
    `insert into ehr.clients (first_name, last_name, birth_date)
     values ('Vera', 'Important', '1970-01-02'), ('Joe', 'Public', '1980-03-04')
     returning id::text`,
  );
  [vip, plain] = clients.rows.map((row) => row.id);

  const authenticator = await createAuthenticator(
    db,
    staffKinds.map((kind) => role[kind]),
  );
  api = await startApi(db, authenticator);
  for (const kind of staffKinds) {
    token[kind] = await api.token(role[kind]);
  }
  today = (await api.gql(token.ordinary, "{ today }")).data.today;
});

afterAll(async () => {
  await api?.served.close();
  await db?.drop();
});

const daysFrom = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000)
    .toISOString()
    .slice(0, 10);

const listQuery = `query List($clientId: BigInt) {
  allClientAccesses(condition: { clientId: $clientId }, first: 20) {
    totalCount
    nodes {
      rowId clientId startDate endDate comments
      clientAccessStaffsByClientAccessId { nodes { staff } }
      clientAccessRolesByClientAccessId { nodes { userRole } }
    }
  }
}`;

const createMutation = `mutation New($clientId: BigInt!, $start: Date!) {
  createClientAccess(input: { clientAccess: {
    clientId: $clientId, startDate: $start, comments: "public figure"
  } }) { clientAccess { rowId clientId startDate createdBy } }
}`;

const searchClients = `{ allEhrClients(orderBy: ROW_ID_ASC) { nodes { rowId lastName } } }`;
const openChart = `mutation Open($id: BigInt!) {
  openChart(input: { clientId: $id }) { clientMutationId }
}`;
const visibleIds = async (kind: string) => {
  const result = await api.gql(token[kind], searchClients);
  expect(result.errors).toBeUndefined();
  return result.data.allEhrClients.nodes.map(
    (node: { rowId: string }) => node.rowId,
  );
};

describe("an editor", () => {
  it("finds a client by ID and confirms the name and date of birth", async () => {
    const result = await api.gql(
      token.editor,
      `query($id: BigInt!) {
        confirmClient(clientId: $id) { nodes { clientId displayName birthDate } } }`,
      { id: vip },
    );
    expect(result.data.confirmClient.nodes).toEqual([
      { clientId: vip, displayName: "Vera Important", birthDate: "1970-01-02" },
    ]);
  });

  it("creates a record and gets its Sequence ID", async () => {
    const result = await api.gql(token.editor, createMutation, {
      clientId: vip,
      start: daysFrom(today, -10),
    });
    expect(result.errors).toBeUndefined();
    const created = result.data.createClientAccess.clientAccess;
    expect(created).toMatchObject({ clientId: vip, createdBy: role.editor });
    sequenceId = created.rowId;
  });

  it("searches staff by display name and adds them", async () => {
    const search = await api.gql(
      token.editor,
      `query($text: String!) { searchStaff(text: $text) { nodes { roleName displayName } } }`,
      { text: `ada approved ${db.prefix}` },
    );
    expect(search.data.searchStaff.nodes).toEqual([
      { roleName: role.approved, displayName: `Dr. Ada Approved ${db.prefix}` },
    ]);
    const added = await api.gql(
      token.editor,
      `mutation($id: BigInt!, $staff: String!) {
        addStaff(input: { clientAccessId: $id, staff: $staff }) { result { staff } } }`,
      { id: sequenceId, staff: role.approved },
    );
    expect(added.data.addStaff.result.staff).toBe(role.approved);
  });

  it("searches user roles by name and adds one", async () => {
    const search = await api.gql(
      token.editor,
      `query($text: String!) { searchUserRoles(text: $text) { nodes { roleName } } }`,
      { text: `${db.prefix}crisis` },
    );
    expect(search.data.searchUserRoles.nodes).toEqual([
      { roleName: role.crisis },
    ]);
    const added = await api.gql(
      token.editor,
      `mutation($id: BigInt!, $role: String!) {
        addUserRole(input: { clientAccessId: $id, userRole: $role }) { result { userRole } } }`,
      { id: sequenceId, role: role.crisis },
    );
    expect(added.data.addUserRole.result.userRole).toBe(role.crisis);
  });

  it("changes the comments and the dates", async () => {
    const result = await api.gql(
      token.editor,
      `mutation($id: BigInt!, $patch: ClientAccessPatch!) {
        updateClientAccessByRowId(input: { rowId: $id, clientAccessPatch: $patch }) {
          clientAccess { comments endDate updatedBy } } }`,
      {
        id: sequenceId,
        patch: { comments: "board member", endDate: daysFrom(today, 30) },
      },
    );
    expect(result.data.updateClientAccessByRowId.clientAccess).toEqual({
      comments: "board member",
      endDate: daysFrom(today, 30),
      updatedBy: role.editor,
    });
  });

  it("is told which Sequence ID a second, overlapping record would overlap", async () => {
    const result = await api.gql(token.editor, createMutation, {
      clientId: vip,
      start: today,
    });
    expect(errorOf(result)).toContain(`Sequence ID ${sequenceId}`);
    expect(result.errors?.[0].extensions?.code).toBe("23P01");
  });
});

describe("a viewer", () => {
  it("reads the list, filtered by client, with its staff and user roles", async () => {
    const result = await api.gql(token.viewer, listQuery, { clientId: vip });
    expect(result.data.allClientAccesses.totalCount).toBe(1);
    const [record] = result.data.allClientAccesses.nodes;
    expect(record).toMatchObject({
      rowId: sequenceId,
      comments: "board member",
    });
    expect(record.clientAccessStaffsByClientAccessId.nodes).toEqual([
      { staff: role.approved },
    ]);
    expect(record.clientAccessRolesByClientAccessId.nodes).toEqual([
      { userRole: role.crisis },
    ]);
  });

  it("pages through the list", async () => {
    const result = await api.gql(
      token.viewer,
      "{ allClientAccesses(first: 1) { pageInfo { hasNextPage } nodes { rowId } } }",
    );
    expect(result.data.allClientAccesses.nodes).toEqual([
      { rowId: sequenceId },
    ]);
    expect(result.data.allClientAccesses.pageInfo.hasNextPage).toBe(false);
  });

  it("cannot create, change or export a record", async () => {
    const created = await api.gql(token.viewer, createMutation, {
      clientId: plain,
      start: today,
    });
    expect(errorOf(created)).toBe("permission denied for table client_access");
    const ended = await api.gql(
      token.viewer,
      `mutation($id: BigInt!) {
        endSequester(input: { clientAccessId: $id }) { result { rowId } } }`,
      { id: sequenceId },
    );
    expect(errorOf(ended)).toMatch(
      /permission denied for function end_sequester/,
    );
    const exported = await api.exportCsv(token.viewer);
    expect(exported.status).toBe(403);
    expect(exported.text).toContain(
      "permission denied for function export_client_access",
    );
  });
});

describe("staff members", () => {
  it("an ordinary staff member finds no hidden client and cannot read the list", async () => {
    expect(await visibleIds("ordinary")).toEqual([plain]);
    const list = await api.gql(token.ordinary, listQuery, {});
    expect(errorOf(list)).toBe("permission denied for table client_access");
    const opened = await api.gql(token.ordinary, openChart, { id: vip });
    expect(errorOf(opened)).toBe(`client ${vip} does not exist`);
  });

  it("a locked-search member finds the client but is refused the chart", async () => {
    expect(await visibleIds("locked")).toEqual([vip, plain]);
    const opened = await api.gql(token.locked, openChart, { id: vip });
    expect(errorOf(opened)).toBe(lockedMessage);
    expect(opened.errors?.[0].extensions?.code).toBe("42501");
  });

  it("a search by name finds a sequestered client only for those the policies allow", async () => {
    const byName = `{ allEhrClients(condition: { searchNameStartsWith: "IMPORTANT v" }) {
      nodes { rowId firstName } } }`;
    const locked = await api.gql(token.locked, byName);
    expect(locked.data.allEhrClients.nodes).toEqual([
      { rowId: vip, firstName: "Vera" },
    ]);
    const ordinary = await api.gql(token.ordinary, byName);
    expect(ordinary.data.allEhrClients.nodes).toEqual([]);
  });

  it("approved staff and members of an approved user role see and open the chart", async () => {
    for (const kind of ["approved", "nurse"]) {
      expect(await visibleIds(kind)).toEqual([vip, plain]);
      const opened = await api.gql(token[kind], openChart, { id: vip });
      expect(opened.errors).toBeUndefined();
    }
  });

  it("a locked-search member requests access; an editor's approval opens the chart", async () => {
    const requested = await api.gql(
      token.locked,
      `mutation($id: BigInt!) { requestAccess(input: { clientId: $id, reason: "on call" }) {
        result { rowId status requestedBy } } }`,
      { id: vip },
    );
    const request = requested.data.requestAccess.result;
    expect(request).toMatchObject({
      status: "pending",
      requestedBy: role.locked,
    });

    const asAuditor = await api.gql(
      token.auditor,
      "{ allAccessRequests { nodes { rowId status } } }",
    );
    expect(asAuditor.data.allAccessRequests.nodes).toEqual([
      { rowId: request.rowId, status: "pending" },
    ]);

    const decided = await api.gql(
      token.editor,
      `mutation($id: BigInt!) { decideAccessRequest(input: { requestId: $id, approve: true }) {
        result { status decidedBy } } }`,
      { id: request.rowId },
    );
    expect(decided.data.decideAccessRequest.result).toEqual({
      status: "approved",
      decidedBy: role.editor,
    });
    const opened = await api.gql(token.locked, openChart, { id: vip });
    expect(opened.errors).toBeUndefined();
  });

  it("an ordinary staff member's request for a hidden client reveals nothing", async () => {
    const requested = await api.gql(
      token.ordinary,
      `mutation($id: BigInt!) { requestAccess(input: { clientId: $id, reason: "curious" }) {
        result { rowId } } }`,
      { id: vip },
    );
    expect(errorOf(requested)).toBe(`client ${vip} does not exist`);
  });
});

describe("an auditor", () => {
  it("reads the audit trail but cannot change the list", async () => {
    const trail = await api.gql(
      token.auditor,
      `query($id: BigInt!) {
        allAuditLogs(condition: { clientAccessId: $id }) { nodes { action actor } } }`,
      { id: sequenceId },
    );
    expect(trail.data.allAuditLogs.nodes).toContainEqual({
      action: "client_access.insert",
      actor: role.editor,
    });
    const created = await api.gql(token.auditor, createMutation, {
      clientId: plain,
      start: today,
    });
    expect(errorOf(created)).toBe("permission denied for table client_access");
  });

  it("is the only one of the list's readers who reads the audit trail", async () => {
    const trail = await api.gql(
      token.viewer,
      "{ allAuditLogs { totalCount } }",
    );
    expect(errorOf(trail)).toBe("permission denied for table audit_log");
  });
});

describe("removing, exporting and ending", () => {
  it("a removal takes effect on the affected staff member's next request", async () => {
    expect(await visibleIds("approved")).toEqual([vip, plain]);
    const removed = await api.gql(
      token.editor,
      `mutation($id: BigInt!, $staff: String!) {
        removeStaff(input: { clientAccessId: $id, staff: $staff }) { result } }`,
      { id: sequenceId, staff: role.approved },
    );
    expect(removed.data.removeStaff.result).toBe(true);
    expect(await visibleIds("approved")).toEqual([plain]);
    const opened = await api.gql(token.approved, openChart, { id: vip });
    expect(errorOf(opened)).toBe(`client ${vip} does not exist`);
  });

  it("removing a user role hides the client from its members at once", async () => {
    const removed = await api.gql(
      token.editor,
      `mutation($id: BigInt!, $role: String!) {
        removeUserRole(input: { clientAccessId: $id, userRole: $role }) { result } }`,
      { id: sequenceId, role: role.crisis },
    );
    expect(removed.data.removeUserRole.result).toBe(true);
    expect(await visibleIds("nurse")).toEqual([plain]);
  });

  it("an editor exports the list as CSV", async () => {
    const exported = await api.exportCsv(token.editor);
    expect(exported.status).toBe(200);
    const [header, row] = exported.text.trimEnd().split("\r\n");
    // The same file as `sequester export` writes (test/cli checks that one).
    expect(header).toBe(
      "Sequence ID,Client ID,Client Name,Start Date,End Date,In Force,Comments," +
        "Approved Staff,Approved User Roles,Created By,Created At,Updated By,Updated At",
    );
    expect(row).toMatch(
      new RegExp(
        `^${sequenceId},${vip},[^,]*,${daysFrom(today, -10)},${daysFrom(today, 30)},yes,`,
      ),
    );
    expect(row).toContain(role.locked);
  });

  it("an editor ends the sequester, and every staff member finds the client again", async () => {
    const ended = await api.gql(
      token.editor,
      `mutation($id: BigInt!) {
        endSequester(input: { clientAccessId: $id }) { result { endDate } } }`,
      { id: sequenceId },
    );
    expect(ended.data.endSequester.result.endDate).toBe(today);
    expect(await visibleIds("ordinary")).toEqual([vip, plain]);
    const opened = await api.gql(token.ordinary, openChart, { id: vip });
    expect(opened.errors).toBeUndefined();
  });
});
