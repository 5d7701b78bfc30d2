// The PostGraphile configuration: which schemas, what of them (surface.ts), how each
// request becomes its caller's role, and which errors reach the client unchanged.
import type pg from "pg";
import { makePgService } from "postgraphile/adaptors/pg";
import { GraphQLError } from "postgraphile/graphql";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { ApiSurfacePlugin, ClientNameSearchPlugin } from "./surface.ts";

export const apiSchemas = ["sequester", "ehr"];

export interface PresetOptions {
  /** A pool that logs in as the authenticator. */
  pool: pg.Pool;
  /** The role a request acts as, once its token has been verified; null refuses. */
  roleOf?: (request: Grafast.RequestContext) => string | null;
  graphiql?: boolean;
}

// Function parameters are named p_client_id in SQL; in GraphQL they read clientId.
const ArgumentNamesPlugin: GraphileConfig.Plugin = {
  name: "SequesterArgumentNamesPlugin",
  version: "0.1.0",
  inflection: {
    replace: {
      argument(previous, _options, details) {
        const name = details.param.name?.replace(/^p_/, "") ?? null;
        if (!previous) throw new Error("the argument inflector is missing");
        return previous({ ...details, param: { ...details.param, name } });
      },
    },
  },
};

// The package's partition event trigger lives in schema sequester; PostGraphile would
// try to build a type for its return type (event_trigger), fail, and print a warning at
// every start. An event-trigger function can never be called, so it is dropped from
// the introspection before anything looks at it.
const EVENT_TRIGGER_TYPE_OID = "3838";
const SkipEventTriggerFunctionsPlugin: GraphileConfig.Plugin = {
  name: "SequesterSkipEventTriggerFunctionsPlugin",
  version: "0.1.0",
  gather: {
    hooks: {
      async pgIntrospection_introspection(_info, event) {
        const { procs } = event.introspection;
        for (let index = procs.length - 1; index >= 0; index--) {
          if (procs[index].prorettype === EVENT_TRIGGER_TYPE_OID) {
            procs.splice(index, 1);
          }
        }
      },
    },
  },
};

export function makePreset(options: PresetOptions): GraphileConfig.Preset {
  const { pool, roleOf, graphiql = true } = options;
  return {
    extends: [PostGraphileAmberPreset],
    plugins: [
      ApiSurfacePlugin,
      ClientNameSearchPlugin,
      ArgumentNamesPlugin,
      SkipEventTriggerFunctionsPlugin,
    ],
    // Grants are enforced by PostgreSQL on every request. Shaping the schema by the
    // grants of whichever staff roles the authenticator can become would make the API
    // differ between deployments, so the shape comes from surface.ts alone.
    disablePlugins: ["PgRBACPlugin"],
    pgServices: [
      makePgService({
        pool,
        schemas: apiSchemas,
        pgSettings: (request) => {
          const role = roleOf?.(request);
          if (!role) {
            // The HTTP layer refuses such a request first; this is the backstop.
            throw new GraphQLError("Authentication required");
          }
          // A runaway query stops after a minute rather than holding a connection.
          return { role, statement_timeout: "60s" };
        },
      }),
    ],
    grafserv: { graphiql, graphqlOverGET: false, watch: false, maskError },
  };
}

// Errors raised by PostgreSQL (a policy refusing a row, open_chart's permission message,
// a function's own message) reach the client with their message, SQLSTATE, detail and
// hint: they are written for the user, and hiding them would hide the reason. Anything
// else (a bug in the server) is logged and replaced by an opaque identifier.
export function maskError(error: GraphQLError): GraphQLError {
  const original = error.originalError as
    | (Error & {
        code?: unknown;
        severity?: unknown;
        hint?: string;
        detail?: string;
      })
    | undefined;
  if (
    original &&
    typeof original.code === "string" &&
    /^[0-9A-Z]{5}$/.test(original.code) &&
    typeof original.severity === "string"
  ) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: original,
      extensions: {
        code: original.code,
        ...(original.detail ? { detail: original.detail } : {}),
        ...(original.hint ? { hint: original.hint } : {}),
      },
    });
  }
  if (!original || original instanceof GraphQLError) {
    return error;
  }
  const id = Math.random().toString(36).slice(2, 10);
  console.error(`API error ${id}:`, original);
  return new GraphQLError(`An internal error occurred (logged as ${id})`, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: original,
    extensions: { code: "INTERNAL", errorId: id },
  });
}
