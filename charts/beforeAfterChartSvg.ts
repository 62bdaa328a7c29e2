/**
 * A hand-written SVG chart of before/after bars per row: the review's chart by cost category and the
 * budget report's charts. Plain SVG text with fixed geometry and number formatting, so a PR comment
 * or a browser shows it as is and a regenerated chart is byte-identical.
 */
import { money } from "../cost/money";
const WIDTH = 820;
const LABEL_WIDTH = 250;
const BAR_AREA = 400;
const BAR_HEIGHT = 18;
const ROW_HEIGHT = 58;
const TOP = 56;
const COLORS = { before: "#9e9e9e", after: "#2e7d32" };

export interface ChartRow {
  label: string;
  before: number;
  after: number;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function beforeAfterChartSvg(title: string, subtitle: string, rows: ChartRow[]): string {
  const largest = Math.max(1, ...rows.flatMap((row) => [row.before, row.after]));
  const height = TOP + rows.length * ROW_HEIGHT + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="42" fill="#555555">${escapeXml(subtitle)}</text>`,
  ];
  rows.forEach((row, index) => {
    const y = TOP + index * ROW_HEIGHT;
    parts.push(`<text x="10" y="${y + BAR_HEIGHT + 4}">${escapeXml(row.label)}</text>`);
    (["before", "after"] as const).forEach((side, barIndex) => {
      const barY = y + barIndex * (BAR_HEIGHT + 4);
      const width = row[side] > 0 ? Math.max(1, Math.round((row[side] / largest) * BAR_AREA)) : 0;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${barY}" width="${width}" height="${BAR_HEIGHT}" fill="${COLORS[side]}"><title>${side}: ${escapeXml(money(row[side]))}</title></rect>`,
        `<text x="${LABEL_WIDTH + width + 6}" y="${barY + BAR_HEIGHT - 4}">${side} ${escapeXml(money(row[side]))}</text>`,
      );
    });
  });
  const legendY = height - 16;
  parts.push(
    `<rect x="10" y="${legendY - 11}" width="12" height="12" fill="${COLORS.before}"/><text x="28" y="${legendY}">before (baseline)</text>`,
    `<rect x="170" y="${legendY - 11}" width="12" height="12" fill="${COLORS.after}"/><text x="188" y="${legendY}">after (program)</text>`,
    `</svg>`,
  );
  return parts.join("\n") + "\n";
}
