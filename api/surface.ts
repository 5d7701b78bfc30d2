// What the GraphQL API exposes of the database. This decides the shape of the API, never
// who may use it: every field runs as the caller's role, and the grants and the policies
// decide. The lists are allow-lists, so that a helper function or table added to the
// sequester schema later stays out of the API until someone adds it here on purpose.
import type {
  PgClass,
  PgProc,
} from "postgraphile/graphile-build-pg/pg-introspection";
import {
  addPgTableCondition,
  type PgSmartTagRule,
  pgSmartTags,
} from "postgraphile/utils";

// Tables of the sequester schema in the API, with what their generic mutations may do.
// Approvals, requests and the audit trail change only through the package's functions
// (add_staff, request_access, ...), which say plainly what is wrong.
const sequesterTables: Record<string, string> = {
  // A record is ended (end_sequester) or, before it has been in force for a day,
  // cancelled (cancel_sequester), which says why it refuses; never deleted directly.
  client_access: "-delete",
  client_access_staff: "-insert -update -delete",
  client_access_role: "-insert -update -delete",
  access_request: "-insert -update -delete",
  audit_log: "-insert -update -delete",
};

// Columns that the package fills in itself, and the one a record may not change.
const packageColumns: Record<string, string> = {
  "client_access.client_id": "-update",
  "client_access.created_by": "-insert -update",
  "client_access.created_at": "-insert -update",
  "client_access.updated_by": "-insert -update",
  "client_access.updated_at": "-insert -update",
};

// The package functions the API offers. Stable ones become query fields and volatile
// ones mutations, unless a behavior here says otherwise.
const sequesterFunctions: Record<string, string> = {
  today: "",
  confirm_client: "",
  search_staff: "",
  search_user_roles: "",
  export_client_access: "",
  add_staff: "",
  remove_staff: "",
  add_user_role: "",
  remove_user_role: "",
  end_sequester: "",
  cancel_sequester: "",
  request_access: "",
  decide_access_request: "",
  break_glass: "",
  // Opening a chart is an action that returns nothing, so it is a mutation.
  open_chart: "-queryField +mutationField",
};

// The reference EHR is read-only here: staff search clients through this API, and
// charts are written by the EHR application.
const ehrTables = "-insert -update -delete";

const hidden = "-*";

const schemaOf = (entity: PgClass | PgProc) => entity.getNamespace()?.nspname;

const rules: PgSmartTagRule[] = [
  {
    kind: "class",
    match: (table) =>
      schemaOf(table) === "sequester" &&
      !Object.hasOwn(sequesterTables, table.relname),
    tags: { behavior: hidden },
  },
  ...Object.entries(sequesterTables).map(
    ([name, behavior]): PgSmartTagRule => ({
      kind: "class",
      match: `sequester.${name}`,
      tags: { behavior },
    }),
  ),
  ...Object.entries(packageColumns).map(
    ([column, behavior]): PgSmartTagRule => ({
      kind: "attribute",
      match: `sequester.${column}`,
      tags: { behavior },
    }),
  ),
  {
    kind: "class",
    match: (table) => schemaOf(table) === "ehr",
    tags: { behavior: ehrTables },
  },
  {
    kind: "procedure",
    match: (proc) =>
      schemaOf(proc) === "sequester" &&
      !Object.hasOwn(sequesterFunctions, proc.proname),
    tags: { behavior: hidden },
  },
  ...Object.entries(sequesterFunctions)
    .filter(([, behavior]) => behavior !== "")
    .map(
      ([name, behavior]): PgSmartTagRule => ({
        kind: "procedure",
        match: `sequester.${name}`,
        tags: { behavior },
      }),
    ),
];

export const ApiSurfacePlugin = pgSmartTags(rules, null, {
  name: "SequesterApiSurfacePlugin",
  description: "Exposes only the parts of the database that the API offers",
});

// The client search box: clients whose "last first" name starts with the text, through
// the index on ehr.clients (search_name). It narrows a search; the policies still decide
// which clients a search can return at all.
export const ClientNameSearchPlugin = addPgTableCondition(
  { schemaName: "ehr", tableName: "clients" },
  "searchNameStartsWith",
  (build) => ({
    description:
      'Clients whose name, as "last first", starts with this text (any case).',
    type: build.graphql.GraphQLString,
  }),
  (value, { sql, sqlTableAlias }) => {
    if (typeof value !== "string") {
      return null;
    }
    const escaped = value.replace(/[\\%_]/g, (character) => `\\${character}`);
    return sql`${sqlTableAlias}.search_name like lower(${sql.value(escaped)}) || '%'`;
  },
);
