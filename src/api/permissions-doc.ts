import { type Permission, ROLE_PERMISSIONS, ROLES, SCOPES } from "../domain/permissions.ts";
import type { RouteAuthEntry } from "./plugins/auth.ts";

export const TABLE_START = "<!-- route-table:start -->";
export const TABLE_END = "<!-- route-table:end -->";

/** One cell per role: ✓ allowed, ✗ refused (403), "public" for routes that need no credential. */
function cells(entry: RouteAuthEntry): { needs: string; roles: string[]; apiKey: string } {
  const { auth } = entry;
  if (auth === "public") return { needs: "nothing", roles: ROLES.map(() => "public"), apiKey: "public" };
  if (auth === "probe")
    return { needs: "`probe:region` (a probe token)", roles: ROLES.map(() => "✗"), apiKey: "—" };
  if (auth === "user") return { needs: "a signed-in person", roles: ROLES.map(() => "✓"), apiKey: "—" };
  const p: Permission = auth.permission;
  return {
    needs: `\`${p}\``,
    roles: ROLES.map((r) => (ROLE_PERMISSIONS[r].has(p) ? "✓" : "✗")),
    apiKey: auth.keys !== false && (SCOPES as readonly string[]).includes(p) ? `\`${p}\`` : "—",
  };
}

/** The route table of docs/permissions.md, one row per method and path, sorted by path. */
export function renderRouteTable(table: readonly RouteAuthEntry[]): string {
  const rows = [...table]
    .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
    .map((e) => {
      const c = cells(e);
      return `| \`${e.method} ${e.url}\` | ${c.needs} | ${c.roles.join(" | ")} | ${c.apiKey} |`;
    });
  return [
    TABLE_START,
    `| Route | Needs | ${ROLES.join(" | ")} | API key scope |`,
    `| --- | --- | ${ROLES.map(() => "---").join(" | ")} | --- |`,
    ...rows,
    TABLE_END,
  ].join("\n");
}

/** Replaces the route table between its markers in the document text. */
export function withRouteTable(doc: string, table: readonly RouteAuthEntry[]): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < 0) throw new Error("docs/permissions.md has no route-table markers");
  return doc.slice(0, start) + renderRouteTable(table) + doc.slice(end + TABLE_END.length);
}

export interface DocumentedRoute {
  method: string;
  url: string;
  /** What the route needs, as the table words it (`probe:region` for the remote-probe protocol). */
  needs: string;
  roles: Record<(typeof ROLES)[number], "✓" | "✗" | "public">;
  /** The one scope an API key needs, "—" when no key may call it, or "public". */
  apiKey: string;
}

/** Reads the route table back from the document, for the permission-matrix test. */
export function parseRouteTable(doc: string): DocumentedRoute[] {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  const lines = doc
    .slice(start, end)
    .split("\n")
    .filter((l) => l.startsWith("| `"));
  return lines.map((line) => {
    const parts = line
      .split("|")
      .map((p) => p.trim())
      .slice(1, -1);
    const [route, needs, ...rest] = parts;
    const [method, url] = route!.replaceAll("`", "").split(" ") as [string, string];
    const roleCells = rest.slice(0, ROLES.length);
    return {
      method,
      url,
      needs: needs ?? "",
      roles: Object.fromEntries(ROLES.map((r, i) => [r, roleCells[i]])) as DocumentedRoute["roles"],
      apiKey: rest[ROLES.length]!.replaceAll("`", ""),
    };
  });
}
