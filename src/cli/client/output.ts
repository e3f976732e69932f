import { stringify } from "yaml";

export type Format = "table" | "json" | "yaml";
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** `--json` and `--yaml` print the API's objects as they are; the table shows chosen columns. */
export function render<T>(data: T | T[], format: Format, columns: Column<T>[]): string {
  if (format === "json") return `${JSON.stringify(data, null, 2)}\n`;
  if (format === "yaml") return stringify(data);
  const rows = Array.isArray(data) ? data : [data];
  if (!Array.isArray(data)) return details(data, columns);
  return table(
    columns.map((c) => c.header),
    rows.map((r) => columns.map((c) => cell(c.value(r)))),
  );
}

/** Columns padded to their widest cell, two spaces apart. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}

/** One object as `FIELD  value` lines. */
function details<T>(row: T, columns: Column<T>[]): string {
  const width = Math.max(...columns.map((c) => c.header.length));
  return `${columns.map((c) => `${c.header.padEnd(width)}  ${cell(c.value(row))}`).join("\n")}\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (Array.isArray(value)) return value.length ? value.join(",") : "-";
  // Control characters never reach the terminal (a name cannot move the cursor or clear the screen).
  return [...String(value)]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? "?" : ch;
    })
    .join("");
}

/** "3m ago" style ages for timestamps. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
