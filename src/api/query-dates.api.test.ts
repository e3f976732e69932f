import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call, createMonitor, expectValidation, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
}
type Doc = { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };

/** Query parameters that name a point in time. */
const DATE_NAMES = /^(from|to|since|until|before|after)$/;
const EXPECTED =
  "an ISO 8601 date-time with an offset, such as 2026-01-01T00:00:00Z, or a date (2026-01-01, midnight UTC)";

describe.each(DB_KINDS)("date query parameters on %s", (kind) => {
  let up: TestUpblit;
  let doc: Doc;
  let monitorId: string;
  /** [path with a real monitor id, parameter] for every date query parameter in the document. */
  let dateParams: Array<[string, Parameter]>;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    doc = (await call(up, "GET", "/api/openapi.json")).json<Doc>();
    monitorId = (await createMonitor(up, monitorBody("tcp"))).id;
    dateParams = Object.entries(doc.paths).flatMap(([path, ops]) =>
      (ops.get?.parameters ?? [])
        .filter((p) => p.in === "query" && DATE_NAMES.test(p.name))
        .map((p): [string, Parameter] => [path.replace("{id}", monitorId), p]),
    );
  });
  afterAll(async () => up?.close());

  it("every query parameter has a schema with a type; date ones are date-time strings with a description", () => {
    const untyped = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([method, op]) =>
        (op.parameters ?? [])
          .filter((p) => p.in === "query" && !p.schema?.type && !p.schema?.$ref && !p.schema?.anyOf)
          .map((p) => `${method.toUpperCase()} ${path} ${p.name}`),
      ),
    );
    expect(untyped).toEqual([]);
    expect(dateParams.map(([path, p]) => `${path.replace(monitorId, "{id}")} ${p.name}`).sort()).toEqual(
      [
        `${API}/audit-log from`,
        `${API}/audit-log to`,
        `${API}/maintenance-windows/occurrences from`,
        `${API}/maintenance-windows/occurrences until`,
        `${API}/monitors/{id}/results from`,
        `${API}/monitors/{id}/results to`,
        `${API}/monitors/{id}/rollups from`,
      ].sort(),
    );
    for (const [path, p] of dateParams) {
      expect(p.schema, `${path} ${p.name}`).toMatchObject({ type: "string", format: "date-time" });
      expect(p.description ?? p.schema?.description, `${path} ${p.name}`).toMatch(/\w{4,}/);
    }
  });

  it("a wrong date says what it wants, for every date query parameter; a good one is accepted", async () => {
    for (const [path, p] of dateParams) {
      for (const bad of ["yesterday", "2024-13-45", "2024-01-01T00:00:00", "1700000000"]) {
        const problem = expectValidation(
          await call(up, "GET", `${path}?${p.name}=${encodeURIComponent(bad)}`),
          [`querystring.${p.name}`],
        );
        expect(problem.errors[0]!.message, `${path} ${p.name}=${bad}`).toBe(`must be ${EXPECTED}`);
      }
      for (const good of ["2024-01-01T00:00:00Z", "2024-01-01T02:00:00+02:00", "2024-01-01"]) {
        const res = await call(up, "GET", `${path}?${p.name}=${encodeURIComponent(good)}`);
        expect(res.statusCode, `${path} ${p.name}=${good}: ${res.body}`).toBe(200);
      }
    }
  });

  it("rollups without `from` names it as required, not `expected date, received Date`", async () => {
    const problem = expectValidation(await call(up, "GET", `${API}/monitors/${monitorId}/rollups`), [
      "querystring.from",
    ]);
    expect(problem.errors).toEqual([{ path: "querystring.from", message: `is required: ${EXPECTED}` }]);
  });
});
