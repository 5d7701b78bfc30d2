// Which export the demo imports: the one given, else the Synthea sample next to the
// project, else a synthetic one generated on the spot.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ToolError } from "../lib/errors.ts";
import { generateExport } from "./generate.ts";

export interface DemoExport {
  dir: string;
  /** What the export is, for the demo's output. */
  description: string;
  cleanup(): Promise<void>;
}

const sampleDirs = [
  fileURLToPath(new URL("../../../shared/data/synthea/", import.meta.url)),
  "/work/shared/data/synthea/",
];

export async function demoExport(given?: string): Promise<DemoExport> {
  const keep = async () => {};
  if (given) {
    if (!existsSync(join(given, "patients.csv"))) {
      throw new ToolError(
        `${given} has no patients.csv`,
        "Give the directory of a Synthea CSV export, or leave --data out.",
      );
    }
    return {
      dir: given,
      description: `the Synthea export in ${given}`,
      cleanup: keep,
    };
  }

  const sample = sampleDirs.find((dir) =>
    existsSync(join(dir, "patients.csv")),
  );
  if (sample) {
    return {
      dir: sample,
      description: `the Synthea sample in ${sample}`,
      cleanup: keep,
    };
  }

  const dir = await generateExport();
  return {
    dir,
    description:
      "a synthetic export generated now (the Synthea sample was not found)",
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
