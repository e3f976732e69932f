import type { PageReport } from "../../../services/status-pages/reports.ts";

/** The CSV columns, in order; the JSON fields they come from are documented in docs/status-pages.md. */
export const REPORT_CSV_HEADER = [
  "component",
  "group",
  "monitor_id",
  "uptime_percent",
  "checks",
  "up",
  "degraded",
  "down",
  "down_minutes",
  "incidents",
  "maintenance_minutes",
];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would take for a formula (=, +, -, @, tab, CR) gets a leading apostrophe.
 */
function field(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV: a header line, then one line per component, CRLF line ends. */
export function reportCsv(report: PageReport): string {
  const lines = [REPORT_CSV_HEADER.join(",")];
  for (const c of report.components) {
    lines.push(
      [
        c.name,
        c.group,
        c.monitorId,
        c.uptimePercent,
        c.checks,
        c.up,
        c.degraded,
        c.down,
        c.downMinutes,
        c.incidents,
        c.maintenanceMinutes,
      ]
        .map(field)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
