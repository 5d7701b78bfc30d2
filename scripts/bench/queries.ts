// What the bench measures: the queries an EHR application runs most, each under three
// regimes on the same data. "policies" is an ordinary staff member on the protected
// ehr tables; "none" is a BYPASSRLS role on the same tables; "naive" is the same staff
// member on the copy behind a per-row SECURITY DEFINER policy (naive.sql).

export type Regime = "policies" | "none" | "naive";
export const regimes: readonly Regime[] = ["policies", "none", "naive"];

export interface Query {
  name: string;
  /** SQL with {schema} for ehr or bench_naive and $n for the parameters. */
  text: string;
  params: (string | number)[];
  /** Counts take seconds: fewer runs. */
  slow: boolean;
  /** SPEC 5: the highest policies/none ratio allowed. */
  target: number;
}

export interface QueryInputs {
  visibleClientId: number;
  prefix: string;
  contains: string;
}

// A search box: what was typed, lower-cased, as a prefix of "last first" or anywhere
// in it, the first page of 25 in name order. ~<~ is the order of the text_pattern_ops
// index, so a prefix search reads the index in order and stops after one page.
const page = "order by search_name using operator(pg_catalog.~<~) limit 25";

export function benchQueries(inputs: QueryInputs): Query[] {
  return [
    {
      name: "lookup by id",
      text: "select * from {schema}.clients where id = $1",
      params: [inputs.visibleClientId],
      slow: false,
      target: 1.2,
    },
    {
      name: "chart of one client",
      text: `select 'encounter' as kind, id, started_at as at, description as body
        from {schema}.encounters where client_id = $1
        union all
        select 'note', id, written_at, note from {schema}.progress_notes where client_id = $1
        union all
        select 'condition', id, onset_date::timestamp at time zone 'UTC', description
        from {schema}.conditions where client_id = $1
        order by at`,
      params: [inputs.visibleClientId],
      slow: false,
      target: 1.2,
    },
    {
      name: "name search, prefix",
      text: `select id, last_name, first_name, birth_date from {schema}.clients
        where search_name ^@ lower($1) ${page}`,
      params: [inputs.prefix],
      slow: false,
      target: 1.2,
    },
    {
      name: "name search, contains",
      text: `select id, last_name, first_name, birth_date from {schema}.clients
        where search_name operator(sequester.~~*) ('%' || lower($1) || '%') ${page}`,
      params: [inputs.contains],
      slow: false,
      target: 1.2,
    },
    {
      name: "full count",
      text: "select count(*) from {schema}.clients",
      params: [],
      slow: true,
      target: 1.5,
    },
  ];
}

export function sqlFor(query: Query, regime: Regime): string {
  return query.text.replaceAll(
    "{schema}",
    regime === "naive" ? "bench_naive" : "ehr",
  );
}

/** The query with its parameters written in, for the simple protocol and EXPLAIN. */
export function literalSql(query: Query, regime: Regime): string {
  return sqlFor(query, regime).replace(/\$(\d+)/g, (_, n: string) => {
    const value = query.params[Number(n) - 1];
    return typeof value === "number"
      ? String(value)
      : `'${String(value).replaceAll("'", "''")}'`;
  });
}
