/** The opportunities document as a terminal table or as markdown (a PR comment, the budget report). */
import { money } from "../cost/money";
import { OpportunitiesDocument, OpportunityJson } from "./analyse";

/** The edit in one line: "relay-budget:seedPool.machineType: n1-standard-2, relay-budget:seedPool.nodeCount: 4". */
export function changeSummary(opportunity: Pick<OpportunityJson, "configChange">): string {
  const change = opportunity.configChange;
  if (change.edits.length === 0) return change.commands.join("; ");
  return change.edits.map((e) => `${e.path}: ${e.value === null ? "(remove)" : String(e.value)}`).join(", ");
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

export function renderOpportunitiesTable(document: OpportunitiesDocument): string {
  const lines: string[] = [];
  const rows = document.opportunities.map((o, index) => [String(index + 1), o.stack, o.kind, o.resource, `${money(o.monthlySaving)}${o.countsTowardTotal ? "" : " (option)"}`, changeSummary(o)]);
  const header = ["#", "stack", "kind", "resource", "saving/month", "config change"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join("  ").trimEnd();
  lines.push(row(header), row(widths.map((w) => "-".repeat(w))));
  for (const r of rows) lines.push(row(r));
  if (rows.length === 0) lines.push("(no opportunities)");
  lines.push("");
  document.opportunities.forEach((o, index) => {
    lines.push(`${index + 1}. ${o.id}: ${o.rationale}`);
    for (const command of o.configChange.commands) lines.push(`   $ ${command}`);
    if (o.configChange.note) lines.push(`   note: ${o.configChange.note}`);
    if (o.risk) lines.push(`   risk: ${o.risk}`);
  });
  for (const warning of document.warnings) lines.push(`warning: ${warning}`);
  const proven = document.pools.filter((p) => p.scheduler);
  if (proven.length > 0) lines.push("", "Checked by the real scheduler (npm run test:cluster):", ...proven.map((p) => `  ${p.stack}/${p.pool}: ${p.scheduler!.text}${p.scheduler!.finding ? `; FINDING: ${p.scheduler!.finding}` : ""}`));
  lines.push(
    "",
    `Total if applied: ${money(document.totals.monthlySaving)}/month, ${money(document.totals.yearlySaving)}/year (largest per resource; options with a risk and 1-year commitments, ${money(document.totals.commitmentMonthlySaving)}/month, are not counted).`,
    `With the options too: ${money(document.totals.monthlySavingWithOptions)}/month (largest per resource, counted or not).`,
    `Prices: ${document.catalog.source}, ${document.catalog.date}; headroom ${Math.round(document.headroom * 100)} %.`,
  );
  return lines.join("\n") + "\n";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Markdown: the ranked table, then each opportunity's rationale and exact change. `headingLevel` lets the report nest it. */
export function renderOpportunitiesMarkdown(document: OpportunitiesDocument, headingLevel = 2): string {
  const h = "#".repeat(headingLevel);
  const lines: string[] = [];
  lines.push("| # | stack | kind | resource | saving / month | config change |", "|---:|---|---|---|---:|---|");
  document.opportunities.forEach((o, index) => {
    lines.push(`| ${index + 1} | ${o.stack} | ${o.kind} | ${cell(o.resource)} | ${money(o.monthlySaving)}${o.countsTowardTotal ? "" : " (option)"} | ${cell(changeSummary(o))} |`);
  });
  if (document.opportunities.length === 0) lines.push("| | | | (none) | | |");
  lines.push(
    "",
    `Applying the counted ones saves **${money(document.totals.monthlySaving)} a month** (${money(document.totals.yearlySaving)} a year): the largest opportunity per resource counts, as alternatives on one resource do not add up. ` +
      `Options (marked "option") carry a risk or a term and are not counted: 1-year commitments are ${money(document.totals.commitmentMonthlySaving)} a month as the pools are now; ` +
      `with every option taken (still the largest per resource) the saving is ${money(document.totals.monthlySavingWithOptions)} a month.`,
    "",
  );
  for (const [index, o] of document.opportunities.entries()) {
    lines.push(`${h} ${index + 1}. ${o.id}`, "", o.rationale, "", "```sh", ...o.configChange.commands, "```");
    if (o.configChange.note) lines.push("", `Note: ${o.configChange.note}.`);
    if (o.risk) lines.push("", `Risk (an option, not counted): ${o.risk}.`);
    lines.push("");
  }
  if (document.warnings.length > 0) {
    lines.push(`${h} Warnings`, "", ...document.warnings.map((w) => `- ${w}`), "");
  }
  const proven = document.pools.filter((p) => p.scheduler);
  if (proven.length > 0) {
    lines.push(`${h} Checked by the real scheduler`, "", ...proven.map((p) => `- ${p.stack} \`${p.pool}\`: ${cell(p.scheduler!.text)}${p.scheduler!.finding ? `. **Finding:** ${cell(p.scheduler!.finding)}` : ""}`), "");
  }
  if (document.considered.length > 0) {
    lines.push(`${h} Looked at and left alone`, "", ...document.considered.map((c) => `- ${c.stack} ${c.kind} ${cell(c.resource)}: ${c.note}`), "");
  }
  return lines.join("\n");
}

/** The document as the chosen output: the versioned JSON, a markdown page, or the terminal table. */
export function renderOpportunities(document: OpportunitiesDocument, format: "table" | "markdown" | "json"): string {
  if (format === "json") return JSON.stringify(document, null, 2) + "\n";
  if (format === "markdown") return `# Savings opportunities\n\n${renderOpportunitiesMarkdown(document)}`;
  return renderOpportunitiesTable(document);
}
