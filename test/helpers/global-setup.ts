// Migrates one template database before the test files run; each file clones it.
import { migrate } from "../../scripts/lib/migrate.ts";
import { adminConfig, adminQuery, templateName } from "./database.ts";

export default async function setup(): Promise<() => Promise<void>> {
  await adminQuery(`drop database if exists ${templateName} with (force)`);
  await adminQuery(`create database ${templateName}`);
  await migrate(adminConfig(templateName), { direction: "up" });
  return async () => {
    await adminQuery(`drop database if exists ${templateName} with (force)`);
  };
}
