import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, API_ONLY, call, createMonitor, expectProblem, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/** Every secret value below contains this marker; no response body may contain it. */
const MARK = "S3CRET";

const SECRET_HEADERS = {
  Authorization: `Bearer ${MARK}-authz`,
  "Proxy-Authorization": `Basic ${MARK}-proxy`,
  Cookie: `session=${MARK}-cookie`,
  "X-Api-Key": `${MARK}-apikey`,
  "X-Auth-Token": `${MARK}-token`,
  "X-Client-Secret": `${MARK}-client`,
};

function expectNoSecret(res: LightMyRequestResponse): void {
  expect(res.body).not.toContain(MARK);
  expect(JSON.stringify(res.headers)).not.toContain(MARK);
}

describe.each(DB_KINDS)("secrets are write-only on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  it("never returns the basic password or sensitive header values (create, get, list, patch, pause)", async () => {
    const created = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("http", {
        name: "with basic auth",
        http: {
          headers: { ...SECRET_HEADERS, "X-Env": "staging" },
          auth: { type: "basic", username: "ops", password: `${MARK}-password` },
        },
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    expectNoSecret(created);
    const m = created.json();
    expect(m.http.auth).toEqual({ type: "basic", username: "ops" });
    expect(m.http.headers).toEqual({
      ...Object.fromEntries(Object.keys(SECRET_HEADERS).map((k) => [k, "[redacted]"])),
      "X-Env": "staging",
    });

    const responses = [
      await call(up, "GET", `${API}/monitors/${m.id}`),
      await call(up, "GET", `${API}/monitors`),
      await call(up, "GET", `${API}/monitors?type=http&q=basic`),
      await call(up, "PATCH", `${API}/monitors/${m.id}`, { name: "renamed", http: { method: "HEAD" } }),
      await call(up, "POST", `${API}/monitors/${m.id}/pause`),
      await call(up, "POST", `${API}/monitors/${m.id}/resume`),
    ];
    for (const res of responses) {
      expect(res.statusCode, res.body).toBe(200);
      expectNoSecret(res);
    }
    expect(responses[3]!.json().http.auth).toEqual({ type: "basic", username: "ops" });
  });

  it("never returns a bearer token, also after it is replaced by a patch", async () => {
    const m = await createMonitor(
      up,
      monitorBody("keyword", { http: { auth: { type: "bearer", token: `${MARK}-bearer` } } }),
    );
    expect(JSON.stringify(m)).not.toContain(MARK);
    expect(m.http).toMatchObject({ auth: { type: "bearer" } });
    expect(Object.keys((m.http as { auth: object }).auth)).toEqual(["type"]);

    const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, {
      http: { auth: { type: "bearer", token: `${MARK}-rotated` }, headers: { Authorization: `${MARK}-h` } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expectNoSecret(patched);
    expect(patched.json().http.auth).toEqual({ type: "bearer" });
    expect(patched.json().http.headers).toEqual({ Authorization: "[redacted]" });
    expectNoSecret(await call(up, "GET", `${API}/monitors/${m.id}`));
    expectNoSecret(await call(up, "GET", `${API}/monitors?type=keyword`));
  });

  it("an idempotent replay does not return secrets either", async () => {
    const body = monitorBody("json", {
      http: { auth: { type: "basic", username: "u", password: `${MARK}-p` } },
    });
    const headers = { "idempotency-key": "secret-replay" };
    const first = await call(up, "POST", `${API}/monitors`, body, headers);
    const replay = await call(up, "POST", `${API}/monitors`, body, headers);
    expect(first.statusCode, first.body).toBe(201);
    expect(replay.statusCode, replay.body).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expectNoSecret(first);
    expectNoSecret(replay);
  });

  it("a refused request does not echo secret values in the problem", async () => {
    const res = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("http", {
        http: {
          headers: { Authorization: `Bearer ${MARK}\r\nX-Injected: 1` },
          auth: { type: "bearer", token: MARK, extra: `${MARK}-x` },
        },
      }),
    );
    expectProblem(res, 400, "VALIDATION");
    expectNoSecret(res);
  });

  it("redacts every credential-like header name, whatever its spelling", async () => {
    const headers = {
      "X-Auth": `${MARK}-xauth`,
      Authentication: `Bearer ${MARK}-authn`,
      "x-api-key": `${MARK}-lower`,
      "PRIVATE-TOKEN": `${MARK}-gitlab`,
      "X-Access-Token": `${MARK}-access`,
    };
    const res = await call(up, "POST", `${API}/monitors`, monitorBody("http", { http: { headers } }));
    expect(res.statusCode, res.body).toBe(201);
    expectNoSecret(res);
  });
});
