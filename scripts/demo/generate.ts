// A small synthetic export in Synthea's CSV format, for when the Synthea sample is not
// at hand. Everyone in it is made up; the same seed gives the same people. It carries
// what real exports do: quoted fields with commas, accented names, CRLF line ends.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvLine } from "../lib/csv-write.ts";

const firstNames = [
  "Ana",
  "José",
  "Zoë",
  "Liam",
  "Noor",
  "Björn",
  "Chloé",
  "Kenji",
  "Amara",
];
const lastNames = [
  "Müller",
  "Núñez",
  "O'Brien",
  "Okafor",
  "Lindqvist",
  "Dubois",
  "Tanaka",
];
const organizationNames = [
  "Riverside Behavioral Health, Inc.",
  "Northgate Counseling Center",
  "St. Agnès Community Clinic",
];
const conditions = [
  ["35489007", "Depressive disorder (disorder)"],
  ["197480006", "Anxiety disorder (disorder)"],
  ["191736004", "Obsessive-compulsive disorder (disorder)"],
];
const medications = [
  ["312938", "Sertraline 100 MG Oral Tablet"],
  ["313989", "Fluoxetine 20 MG Oral Capsule"],
];

// A small deterministic generator (mulberry32), so that reruns make the same people.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () =>
    Math.floor(next() * 16).toString(16),
  );
  return [8, 4, 4, 4, 12]
    .reduce<string[]>((parts, length) => {
      const used = parts.join("").length;
      parts.push(hex.slice(used, used + length).join(""));
      return parts;
    }, [])
    .join("-");
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

function day(next: () => number, fromYear: number, toYear: number): string {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear, 11, 31);
  return new Date(start + next() * (end - start)).toISOString().slice(0, 10);
}

/** Writes the export into a new temporary directory and returns the directory. */
export async function generateExport(
  patientCount = 40,
  seed = 7,
): Promise<string> {
  const next = random(seed);
  const dir = await mkdtemp(join(tmpdir(), "sequester-synthetic-"));
  const files: Record<string, string[][]> = {
    "organizations.csv": [
      ["Id", "NAME", "ADDRESS", "CITY", "STATE", "ZIP", "PHONE"],
    ],
    "providers.csv": [["Id", "ORGANIZATION", "NAME", "GENDER", "SPECIALITY"]],
    "patients.csv": [
      ["Id", "BIRTHDATE", "DEATHDATE", "FIRST", "LAST", "GENDER", "CITY"],
    ],
    "encounters.csv": [
      [
        "Id",
        "START",
        "STOP",
        "PATIENT",
        "ORGANIZATION",
        "PROVIDER",
        "ENCOUNTERCLASS",
      ],
    ],
    "conditions.csv": [
      ["START", "STOP", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION"],
    ],
    "medications.csv": [
      ["START", "STOP", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION"],
    ],
  };

  const organizations = organizationNames.map((name, index) => {
    const id = uuid(next);
    files["organizations.csv"].push([
      id,
      name,
      `${index + 1} Main St`,
      "Lincoln",
      "NE",
      "68504",
      "",
    ]);
    return id;
  });
  const providers = Array.from({ length: 8 }, () => {
    const id = uuid(next);
    const organization = pick(next, organizations);
    const name = `${pick(next, firstNames)} ${pick(next, lastNames)}`;
    files["providers.csv"].push([id, organization, name, "F", "PSYCHIATRY"]);
    return { id, organization };
  });

  for (let index = 0; index < patientCount; index += 1) {
    const patient = uuid(next);
    const first = pick(next, firstNames);
    const last = `${pick(next, lastNames)}${index}`;
    files["patients.csv"].push([
      patient,
      day(next, 1950, 2005),
      "",
      first,
      last,
      "F",
      "Lincoln",
    ]);
    for (let visit = 0; visit < 3; visit += 1) {
      const encounter = uuid(next);
      const provider = pick(next, providers);
      const date = day(next, 2015, 2024);
      files["encounters.csv"].push([
        encounter,
        `${date}T09:00:00Z`,
        `${date}T09:50:00Z`,
        patient,
        provider.organization,
        provider.id,
        "ambulatory",
      ]);
      const [code, description] = pick(next, conditions);
      files["conditions.csv"].push([
        date,
        "",
        patient,
        encounter,
        code,
        description,
      ]);
      const [drug, drugName] = pick(next, medications);
      files["medications.csv"].push([
        `${date}T09:30:00Z`,
        "",
        patient,
        encounter,
        drug,
        drugName,
      ]);
    }
  }

  for (const [file, rows] of Object.entries(files)) {
    await writeFile(join(dir, file), rows.map((row) => csvLine(row)).join(""));
  }
  return dir;
}
