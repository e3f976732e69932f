import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role, SCOPES, type Scope } from "../domain/permissions.ts";
import { createUserWithRole } from "../services/accounts/users.ts";
import { createSession } from "../services/auth/sessions.ts";
import { apiKeyFor, signInAs, TEST_PASSWORD, type TestUser, uniqueEmail } from "../test/accounts.ts";
import { API_ONLY, call } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { type DocumentedRoute, parseRouteTable, renderRouteTable } from "./permissions-doc.ts";

/**
 * The permission matrix: every route of the app × every role, and API keys with and without the
 * route's scope, must get exactly what docs/permissions.md says. Rows come from the document,
 * so a route missing there (or a row for a route that is gone) fails here.
 */
const DOC = readFileSync(new URL("../../docs/permissions.md", import.meta.url), "utf8");
const DOCUMENTED = parseRouteTable(DOC);

type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
/** Path parameters get ids nobody has: allowed calls then end in 400/404, never in a change. */
const concrete = (url: string) =>
  url.replace(/:(\w+)/g, (_m, name: string) => `${name.slice(0, 3)}_doesnotexist`);

/** Refused by the permission check (not by a business rule or a missing object). */
function refusedForPermission(res: { statusCode: number; body: string }): boolean {
  return res.statusCode === 403 && /needs the [\w:-]+ permission|not API keys/.test(res.body);
}

describe.each(DB_KINDS)("permission matrix on %s", (kind) => {
  let up: TestUpblit;
  const readers = new Map<Role, TestUser>();
  const keysWith = new Map<Scope, string>();
  const keysWithout = new Map<Scope, string>();
  /** A remote probe's token: it may call the probe protocol and nothing else. */
  let probeToken = "";

  /** A person of `role` with a session of their own: unsafe calls may end or change it. */
  async function freshSession(role: Role): Promise<Record<string, string>> {
    const { userId, organizationId } = await createUserWithRole(up.rt, {
      email: uniqueEmail(role),
      password: TEST_PASSWORD,
      role,
      organizationId: up.organizationId,
    });
    const tokens = await createSession(up.rt, { id: userId, organizationId }, undefined);
    return { authorization: `Bearer ${tokens.accessToken}` };
  }

  let base: string;
  /** The event stream never ends on its own: read its status, then hang up. */
  async function openStream(headers: Record<string, string>) {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/v1/events`, { headers, signal: abort.signal });
    const body = res.status === 200 ? "" : await res.text();
    abort.abort();
    return { statusCode: res.status, body };
  }

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    base = await up.app!.listen({ port: 0, host: "127.0.0.1" });
    for (const role of ROLES) readers.set(role, await signInAs(up, role));
    const owner = readers.get("owner")!;
    const region = await call(
      up,
      "POST",
      "/api/v1/regions",
      { name: "office", kind: "remote" },
      owner.headers,
    );
    expect(region.statusCode, region.body).toBe(201);
    const made = await call(
      up,
      "POST",
      "/api/v1/probe-tokens",
      { name: "matrix", region: "office" },
      owner.headers,
    );
    expect(made.statusCode, made.body).toBe(201);
    probeToken = made.json<{ token: string }>().token;
    for (const scope of SCOPES) {
      keysWith.set(scope, await apiKeyFor(owner, [scope]));
      keysWithout.set(
        scope,
        await apiKeyFor(
          owner,
          SCOPES.filter((s) => s !== scope),
        ),
      );
    }
  });
  afterAll(async () => up?.close());

  it("documents every route the app serves, and only those", () => {
    const served = up.app!.routeAuthTable.map((r) => `${r.method} ${r.url}`).sort();
    const documented = DOCUMENTED.map((r) => `${r.method} ${r.url}`).sort();
    expect(documented).toEqual(served);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("has the route table the routes generate (run `npm run docs:permissions` after changing routes)", () => {
    const start = DOC.indexOf("<!-- route-table:start -->");
    const end = DOC.indexOf("<!-- route-table:end -->") + "<!-- route-table:end -->".length;
    expect(DOC.slice(start, end)).toBe(renderRouteTable(up.app!.routeAuthTable));
  });

  const guarded = DOCUMENTED.filter((r) => r.apiKey !== "public");
  it.each(guarded.map((r) => [`${r.method} ${r.url}`, r] as const))(
    "%s",
    async (_name, route: DocumentedRoute) => {
      const method = route.method as Method;
      const url = concrete(route.url);
      const unsafe = method !== "GET";
      const send = (headers: Record<string, string>) =>
        route.url === "/api/v1/events"
          ? openStream(headers)
          : call(up, method, url, unsafe ? {} : undefined, headers);

      const anonymous = await send({ authorization: "" });
      expect(anonymous.statusCode, `anonymous ${route.method} ${url}: ${anonymous.body}`).toBe(401);

      for (const role of ROLES) {
        const headers = unsafe ? await freshSession(role) : readers.get(role)!.headers;
        const res = await send(headers);
        const expected = route.roles[role] === "✓";
        expect(res.statusCode, `${role} ${route.method} ${url}: ${res.body}`).not.toBe(401);
        expect(
          refusedForPermission(res),
          `${role} ${route.method} ${url} → ${res.statusCode} ${res.body}`,
        ).toBe(!expected);
      }

      for (const scope of SCOPES) {
        const withIt = await send({ authorization: `Bearer ${keysWith.get(scope)}` });
        const allowedWith = route.apiKey === scope;
        expect(withIt.statusCode, `key [${scope}] ${route.method} ${url}: ${withIt.body}`).not.toBe(401);
        expect(refusedForPermission(withIt), `key [${scope}] ${route.method} ${url} → ${withIt.body}`).toBe(
          !allowedWith,
        );
      }
      const withProbeToken = await send({ authorization: `Bearer ${probeToken}` });
      const probeRoute = route.needs.includes("probe:region");
      expect(
        withProbeToken.statusCode,
        `probe token ${route.method} ${url}: ${withProbeToken.body}`,
      ).not.toBe(401);
      expect(
        refusedForPermission(withProbeToken),
        `probe token ${route.method} ${url}: ${withProbeToken.body}`,
      ).toBe(!probeRoute);
      if ((SCOPES as readonly string[]).includes(route.apiKey)) {
        const without = await send({ authorization: `Bearer ${keysWithout.get(route.apiKey as Scope)}` });
        expect(refusedForPermission(without), `key without ${route.apiKey}: ${without.body}`).toBe(true);
      }
    },
  );
});
