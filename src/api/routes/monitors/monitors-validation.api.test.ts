import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call, expectValidation, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const status200 = { subject: "status", op: "==", value: 200 };

/** [case, type, overrides, paths that must be reported — all of them, nothing else]. */
const INVALID: Array<[string, string, Record<string, unknown>, string[]]> = [
  [
    "wrong types everywhere",
    "tcp",
    {
      name: 5,
      target: 7,
      intervalSeconds: "60",
      timeoutMs: true,
      tags: "x",
      regions: [1],
      paused: "yes",
      assertions: {},
    },
    [
      "body.name",
      "body.target",
      "body.intervalSeconds",
      "body.timeoutMs",
      "body.tags",
      "body.regions.0",
      "body.paused",
      "body.assertions",
    ],
  ],
  ["missing name and target", "http", { name: undefined, target: undefined }, ["body.name", "body.target"]],
  ["missing json block", "json", { json: undefined }, ["body.json"]],
  ["missing keyword block", "keyword", { keyword: undefined }, ["body.keyword"]],
  ["unknown type", "tcp", { type: "carrier-pigeon" }, ["body.type"]],
  ["name over 200 characters", "tcp", { name: "n".repeat(201) }, ["body.name"]],
  ["blank name", "tcp", { name: "   " }, ["body.name"]],
  ["name with NUL", "tcp", { name: "db\u0000primary" }, ["body.name"]],
  ["name with a bidi override", "tcp", { name: "invoice\u202Efdp.exe" }, ["body.name"]],
  ["name with a bidi isolate and a C1 control", "tcp", { name: "a\u2066b\u0085" }, ["body.name"]],
  ["tag with a control character", "tcp", { tags: ["ok", "b\u0007"] }, ["body.tags.1"]],
  ["ftp:// URL", "http", { target: "ftp://example.com/file" }, ["body.target"]],
  ["URL without a scheme", "http", { target: "example.com/health" }, ["body.target"]],
  ["URL with credentials", "http", { target: "https://admin:hunter2@example.com/" }, ["body.target"]],
  ["URL with a space", "http", { target: "https://example.com/a b" }, ["body.target"]],
  ["javascript: URL", "keyword", { target: "javascript:alert(1)" }, ["body.target"]],
  ["file: runbook URL", "http", { runbookUrl: "file:///etc/passwd" }, ["body.runbookUrl"]],
  ["tcp target without a port", "tcp", { target: "db.example.com" }, ["body.target"]],
  ["tcp port 70000", "tcp", { target: "db.example.com:70000" }, ["body.target"]],
  ["tcp port 0", "tcp", { target: "db.example.com:0" }, ["body.target"]],
  ["tls IPv6 without brackets", "tls", { target: "::1:443" }, ["body.target"]],
  ["dns target not a hostname", "dns", { target: "exa_mple..com" }, ["body.target"]],
  [
    "dns resolver and record type",
    "dns",
    { dns: { resolver: "dns.google", recordType: "SOA" } },
    ["body.dns.resolver", "body.dns.recordType"],
  ],
  [
    "interval below the configured minimum",
    "tcp",
    { intervalSeconds: 9, timeoutMs: 1_000 },
    ["body.intervalSeconds"],
  ],
  // A zero interval also leaves no room for any timeout; both are reported.
  ["interval of 0", "tcp", { intervalSeconds: 0 }, ["body.intervalSeconds", "body.timeoutMs"]],
  ["interval above 86400", "tcp", { intervalSeconds: 86_401 }, ["body.intervalSeconds"]],
  ["fractional interval", "tcp", { intervalSeconds: 1.5 }, ["body.intervalSeconds"]],
  ["timeout equal to the interval", "tcp", { intervalSeconds: 10, timeoutMs: 10_000 }, ["body.timeoutMs"]],
  ["timeout above the interval", "tcp", { intervalSeconds: 10, timeoutMs: 12_000 }, ["body.timeoutMs"]],
  [
    "invalid JSON path in a json monitor",
    "json",
    { json: { path: "status", op: "exists" } },
    ["body.json.path"],
  ],
  [
    "json monitor without an expected value",
    "json",
    { json: { path: "$.a", op: "==" } },
    ["body.json.expected"],
  ],
  [
    "invalid JSON path in an assertion",
    "http",
    { assertions: [status200, { subject: "json", path: "$..x", op: "exists" }] },
    ["body.assertions.1.path"],
  ],
  [
    "`in` with a non-array",
    "http",
    { assertions: [{ subject: "status", op: "in", value: 200 }] },
    ["body.assertions.0.value"],
  ],
  [
    "assertion problems, each at its own index",
    "http",
    {
      assertions: [
        { subject: "nope", op: "==", value: 1 },
        { subject: "header", op: "exists" },
        { subject: "status", op: "==" },
      ],
    },
    ["body.assertions.0.subject", "body.assertions.1.path", "body.assertions.2.value"],
  ],
  ["21 assertions", "http", { assertions: Array.from({ length: 21 }, () => status200) }, ["body.assertions"]],
  [
    "header value with CRLF",
    "http",
    { http: { headers: { "X-Trace": "a\r\nX-Injected: 1" } } },
    ["body.http.headers.X-Trace"],
  ],
  [
    "header value with a bare LF",
    "keyword",
    { http: { headers: { "X-Trace": "a\nb" } } },
    ["body.http.headers.X-Trace"],
  ],
  [
    "invalid header name",
    "http",
    { http: { headers: { "Bad Header": "v" } } },
    ["body.http.headers.Bad Header"],
  ],
  ["unknown http method", "http", { http: { method: "TRACE" } }, ["body.http.method"]],
];

const TOO_MANY_FAILURES = {
  ...monitorBody("http"),
  name: "x".repeat(300),
  target: "ftp://example.com",
  intervalSeconds: 100_000,
  failuresBeforeDown: 0,
  successesBeforeUp: 21,
  regions: [],
  runbookUrl: "nope",
  http: { maxRedirects: 11, headers: { "X-A": "\r\n" } },
  assertions: [{ subject: "status", op: "in", value: "200" }],
};

describe.each(DB_KINDS)("monitor input validation on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    // A minimum above the harness default, to see that the configured one is enforced.
    up = await startTestUpblit(kind, { ...API_ONLY, MIN_INTERVAL_SECONDS: "10" });
  });
  afterAll(async () => up?.close());

  const post = (body: unknown) => call(up, "POST", `${API}/monitors`, body);

  it.each(INVALID)("%s → 400 naming every failing field", async (_case, type, overrides, paths) => {
    expectValidation(await post(monitorBody(type, overrides)), paths);
  });

  it("lists every failing field of one request, not only the first", async () => {
    const problem = expectValidation(await post(TOO_MANY_FAILURES), [
      "body.name",
      "body.target",
      "body.intervalSeconds",
      "body.failuresBeforeDown",
      "body.successesBeforeUp",
      "body.regions",
      "body.runbookUrl",
      "body.http.maxRedirects",
      "body.http.headers.X-A",
      "body.assertions.0.value",
    ]);
    expect(problem.detail).toBe("10 invalid fields in the body");
  });

  it("names unknown fields by their full path, top-level and nested", async () => {
    expectValidation(await post(monitorBody("tcp", { colour: "red" })), ["body.colour"]);
    expectValidation(await post(monitorBody("tcp", { colour: "red", size: 1 })), [
      "body.colour",
      "body.size",
    ]);
    expectValidation(await post(monitorBody("http", { http: { retries: 3 } })), ["body.http.retries"]);
    expectValidation(
      await post(monitorBody("http", { http: { auth: { type: "bearer", token: "t", scope: "x" } } })),
      ["body.http.auth.scope"],
    );
    expectValidation(await post(monitorBody("tcp", { http: {} })), ["body.http"]);
  });

  it("stores nothing when refused", async () => {
    await post(monitorBody("tcp", { name: "refused-one", intervalSeconds: 0 }));
    const list = await call(up, "GET", `${API}/monitors?q=refused-one`);
    expect(list.json()).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ["name of exactly 200 characters", "tcp", { name: "n".repeat(200) }],
    ["interval of 86400 s", "tcp", { intervalSeconds: 86_400 }],
    [
      "interval at the minimum (10 s) with a shorter timeout",
      "tcp",
      { intervalSeconds: 10, timeoutMs: 9_999 },
    ],
    ["interval at the minimum (10 s) without a timeout", "tcp", { intervalSeconds: 10 }],
    ["20 assertions", "http", { assertions: Array.from({ length: 20 }, () => status200) }],
    ["IPv6 tcp target", "tcp", { target: "[::1]:5432" }],
    ["port 65535", "tls", { target: "example.com:65535" }],
    ["json path with index", "json", { json: { path: "$.items[0].state", op: "exists" } }],
    ["dns resolver with port", "dns", { dns: { resolver: "127.0.0.1:5353", recordType: "MX" } }],
    ["unicode name", "http", { name: "Zahlungs-API — Zürich ✓" }],
  ])("accepts the boundary: %s", async (_case, type, overrides) => {
    const res = await post(monitorBody(type, overrides));
    expect(res.statusCode, res.body).toBe(201);
  });

  it.each([
    [10, 8_000],
    [12, 9_600],
    [13, 10_000],
    [60, 10_000],
    [86_400, 10_000],
  ])("without timeoutMs, an interval of %i s gets a timeout of %i ms", async (intervalSeconds, timeoutMs) => {
    const res = await post(monitorBody("tcp", { intervalSeconds }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ intervalSeconds, timeoutMs });
  });
});
