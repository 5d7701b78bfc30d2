// The side-by-side table the demo prints: one column per staff member, a block of rows
// per client.
import type { Viewer } from "./compare.ts";
import type { Scenario } from "./scenario.ts";

const labelWidth = 20;
const columnWidth = 24;

function row(label: string, cells: string[]): string {
  const padded = cells.map((cell) =>
    cell.slice(0, columnWidth - 1).padEnd(columnWidth),
  );
  return `${label.padEnd(labelWidth)}| ${padded.join("| ")}`.trimEnd();
}

export function renderComparison(
  scenario: Scenario,
  viewers: Viewer[],
): string {
  const cellRule = `${"-".repeat(columnWidth + 1)}+`;
  const rule = `${"-".repeat(labelWidth)}+${cellRule.repeat(viewers.length)}`;
  const lines = [
    row(
      "",
      viewers.map((viewer) => viewer.title),
    ),
    row(
      "",
      viewers.map((viewer) => viewer.person.displayName),
    ),
    row(
      "",
      viewers.map((viewer) => viewer.person.role),
    ),
    rule.slice(0, -1),
  ];

  scenario.clients.forEach((client, index) => {
    lines.push(
      `${index + 1}. ${client.name} (ID ${client.id}): ${client.story}`,
    );
    lines.push(
      row(
        "  search by name",
        viewers.map((viewer) => viewer.sights[index].search),
      ),
    );
    lines.push(
      row(
        "  open_chart(id)",
        viewers.map((viewer) => viewer.sights[index].chart),
      ),
    );
    lines.push(
      row(
        "  encounters seen",
        viewers.map((viewer) => viewer.sights[index].encounters),
      ),
    );
  });

  const [approved, locked, ordinary] = viewers;
  lines.push(
    "",
    `${approved.person.displayName} is approved by name for clients 1 and 2, and for client 3`,
    `  through membership of ${scenario.userRole}.`,
    `${locked.person.displayName} holds sequester_locked_search: finds sequestered clients,`,
    "  but their charts stay locked.",
    `${ordinary.person.displayName} holds only the EHR's ordinary privileges (ehr_user): to them`,
    "  a sequestered client does not exist, exactly like an ID that was never used.",
  );
  const how = new Set(viewers.map((viewer) => viewer.how));
  lines.push(
    how.has("SET ROLE")
      ? "Some columns were asked through SET ROLE (the server refused their logins); the " +
          "policies judge current_user either way."
      : "Each column was asked over that staff member's own login connection.",
  );
  return lines.join("\n");
}
