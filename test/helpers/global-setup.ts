// Migrates one template database before the test files run; each file clones it.
// The template's name is unique to the run and reaches the workers through the
// environment, so that two runs on one server do not touch each other's template.
import { randomBytes } from "node:crypto";
import { migrate } from "../../scripts/lib/migrate.ts";
import { adminConfig, adminQuery } from "./database.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const template = `sequester_template_${randomBytes(4).toString("hex")}`;
  process.env.SEQUESTER_TEST_TEMPLATE = template;
  await adminQuery(`create database ${template}`);
  await migrate(adminConfig(template), { direction: "up" });
  return async () => {
    await adminQuery(`drop database if exists ${template} with (force)`);
  };
}
