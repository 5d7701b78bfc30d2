// Where each Synthea file goes: its ehr table and, column by column, which header names
// feed it. Synthea has renamed and added columns across versions, so a column lists
// every name it has had; headers are matched without regard to case. A required column
// must be in the header and filled on every row; any other may be missing.
import type { Kind } from "./values.ts";

/** Files whose rows other files point at, by the Synthea ID in their first column. */
export type Target = "clients" | "organizations" | "staff" | "encounters";

export interface Field {
  column: string;
  from: readonly string[];
  kind: Kind;
  required?: boolean;
  /** The value is the Synthea ID of a row of another file; the ehr ID is stored. */
  refers?: Target;
}

export interface FileSpec {
  file: string;
  table: string;
  /** What a row is, in messages ("clients"). */
  noun: string;
  /** The column holding the row's own Synthea ID; rows without one get a content key. */
  id?: readonly string[];
  /** Other files refer to this file's rows, so their ehr IDs are remembered. */
  target?: Target;
  fields: readonly Field[];
}

const text = (column: string, ...from: string[]): Field => ({
  column,
  from,
  kind: "text",
});

const patient: Field = {
  column: "client_id",
  from: ["PATIENT"],
  kind: "integer",
  required: true,
  refers: "clients",
};

const encounter: Field = {
  column: "encounter_id",
  from: ["ENCOUNTER"],
  kind: "integer",
  refers: "encounters",
};

const description: Field = {
  column: "description",
  from: ["DESCRIPTION"],
  kind: "text",
  required: true,
};

export const organizations: FileSpec = {
  file: "organizations.csv",
  table: "ehr.organizations",
  noun: "organizations",
  id: ["Id"],
  target: "organizations",
  fields: [
    { column: "name", from: ["NAME"], kind: "text", required: true },
    text("address", "ADDRESS"),
    text("city", "CITY"),
    text("state", "STATE"),
    text("zip", "ZIP"),
    text("phone", "PHONE"),
  ],
};

// Providers become staff: staff.ts creates their login roles.
export const providers: FileSpec = {
  file: "providers.csv",
  table: "ehr.staff",
  noun: "staff",
  id: ["Id"],
  target: "staff",
  fields: [
    { column: "display_name", from: ["NAME"], kind: "text", required: true },
    {
      column: "organization_id",
      from: ["ORGANIZATION"],
      kind: "integer",
      refers: "organizations",
    },
    text("speciality", "SPECIALITY", "SPECIALTY"),
  ],
};

export const patients: FileSpec = {
  file: "patients.csv",
  table: "ehr.clients",
  noun: "clients",
  id: ["Id"],
  target: "clients",
  fields: [
    { column: "birth_date", from: ["BIRTHDATE"], kind: "date", required: true },
    { column: "first_name", from: ["FIRST"], kind: "text", required: true },
    { column: "last_name", from: ["LAST"], kind: "text", required: true },
    { column: "death_date", from: ["DEATHDATE"], kind: "date" },
    text("prefix", "PREFIX"),
    text("middle_name", "MIDDLE"),
    text("suffix", "SUFFIX"),
    text("maiden_name", "MAIDEN"),
    text("marital_status", "MARITAL"),
    text("race", "RACE"),
    text("ethnicity", "ETHNICITY"),
    text("sex", "GENDER", "SEX"),
    text("ssn", "SSN"),
    text("phone", "PHONE"),
    text("address", "ADDRESS"),
    text("city", "CITY"),
    text("state", "STATE"),
    text("county", "COUNTY"),
    text("zip", "ZIP"),
  ],
};

export const encounters: FileSpec = {
  file: "encounters.csv",
  table: "ehr.encounters",
  noun: "encounters",
  id: ["Id"],
  target: "encounters",
  fields: [
    patient,
    {
      column: "started_at",
      from: ["START"],
      kind: "timestamp",
      required: true,
    },
    { column: "ended_at", from: ["STOP"], kind: "timestamp" },
    {
      column: "organization_id",
      from: ["ORGANIZATION"],
      kind: "integer",
      refers: "organizations",
    },
    { column: "staff_role", from: ["PROVIDER"], kind: "text", refers: "staff" },
    text("encounter_class", "ENCOUNTERCLASS"),
    text("code", "CODE"),
    text("description", "DESCRIPTION"),
    text("reason", "REASONDESCRIPTION"),
  ],
};

export const conditions: FileSpec = {
  file: "conditions.csv",
  table: "ehr.conditions",
  noun: "conditions",
  fields: [
    patient,
    encounter,
    description,
    { column: "onset_date", from: ["START"], kind: "date", required: true },
    { column: "resolved_date", from: ["STOP"], kind: "date" },
    text("code", "CODE"),
  ],
};

export const medications: FileSpec = {
  file: "medications.csv",
  table: "ehr.medications",
  noun: "medications",
  fields: [
    patient,
    encounter,
    description,
    {
      column: "started_at",
      from: ["START"],
      kind: "timestamp",
      required: true,
    },
    { column: "stopped_at", from: ["STOP"], kind: "timestamp" },
    { column: "dispenses", from: ["DISPENSES"], kind: "integer" },
    text("code", "CODE"),
    text("reason", "REASONDESCRIPTION"),
  ],
};

export const procedures: FileSpec = {
  file: "procedures.csv",
  table: "ehr.procedures",
  noun: "procedures",
  fields: [
    patient,
    encounter,
    description,
    // Older Synthea versions wrote one DATE; newer ones START and STOP.
    {
      column: "performed_at",
      from: ["START", "DATE"],
      kind: "timestamp",
      required: true,
    },
    text("code", "CODE"),
    text("reason", "REASONDESCRIPTION"),
  ],
};

export const careplans: FileSpec = {
  file: "careplans.csv",
  table: "ehr.care_plans",
  noun: "care plans",
  id: ["Id"],
  fields: [
    patient,
    encounter,
    description,
    { column: "start_date", from: ["START"], kind: "date", required: true },
    { column: "stop_date", from: ["STOP"], kind: "date" },
    text("code", "CODE"),
    text("reason", "REASONDESCRIPTION"),
  ],
};

export const allergies: FileSpec = {
  file: "allergies.csv",
  table: "ehr.allergies",
  noun: "allergies",
  fields: [
    patient,
    encounter,
    description,
    { column: "start_date", from: ["START"], kind: "date", required: true },
    { column: "stop_date", from: ["STOP"], kind: "date" },
    text("code", "CODE"),
    text("category", "CATEGORY"),
  ],
};

/** In the order they are imported: every file after the files it refers to. */
export const syntheaFiles: readonly FileSpec[] = [
  organizations,
  providers,
  patients,
  encounters,
  conditions,
  medications,
  procedures,
  careplans,
  allergies,
];
