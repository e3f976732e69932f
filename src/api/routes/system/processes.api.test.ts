import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, otherOrganization, signInAs } from "../../../test/accounts.ts";
import { API, API_ONLY, call, expectProblem } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface ProcessJson {
  id: string;
  roles: string[];
  region: string;
  version: string;
  host: string;
  pid: number;
  startedAt: string;
  lastSeenAt: string;
  stoppedAt: string | null;
  live: boolean;
}

describe.each(DB_KINDS)("GET /system/processes on %s", (kind) => {
  let up: TestUpblit;

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  it("shows the installation's owners every process: roles, region, version, host, heartbeats", async () => {
    const owner = await signInAs(up, "owner");
    // A process that stopped cleanly and one that vanished (killed: it stopped renewing).
    const old = new Date(Date.now() - 3_600_000);
    await up.rt.db
      .insertInto("processes")
      .values([
        {
          id: "prc_stopped",
          roles: '["probe"]',
          region: "eu-west",
          version: "0.0.9",
          host: "h1",
          pid: 11,
          started_at: old,
          last_seen_at: old,
          stopped_at: old,
        },
        {
          id: "prc_killed",
          roles: '["scheduler"]',
          region: "local",
          version: "0.1.0",
          host: "h2",
          pid: 12,
          started_at: old,
          last_seen_at: old,
          stopped_at: null,
        },
      ])
      .execute();
    const res = await call(up, "GET", `${API}/system/processes`, undefined, owner.headers);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: ProcessJson[] }>().items;
    const self = items.find((p) => p.pid === process.pid && p.host === hostname() && p.live);
    expect(self).toMatchObject({ roles: ["api"], region: "local", version: "0.1.0", stoppedAt: null });
    expect(Date.parse(self!.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(self!.startedAt));
    expect(items.find((p) => p.id === "prc_stopped")).toMatchObject({ live: false, region: "eu-west" });
    expect(items.find((p) => p.id === "prc_killed")).toMatchObject({ live: false, stoppedAt: null });
  });

  it("refuses everyone else: admins, API keys, owners of other organizations", async () => {
    const admin = await signInAs(up, "admin");
    expectProblem(
      await call(up, "GET", `${API}/system/processes`, undefined, admin.headers),
      403,
      "FORBIDDEN",
    );
    const key = await apiKeyFor(await signInAs(up, "owner"), ["org:admin", "monitors:read"]);
    expectProblem(
      await call(up, "GET", `${API}/system/processes`, undefined, { authorization: `Bearer ${key}` }),
      403,
      "FORBIDDEN",
    );
    const tenant = await otherOrganization(up, "A tenant");
    const res = await call(up, "GET", `${API}/system/processes`, undefined, tenant.headers);
    const problem = expectProblem(res, 403, "FORBIDDEN");
    expect(problem.detail).toMatch(/installation/);
    expectProblem(
      await call(up, "GET", `${API}/system/processes`, undefined, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
    );
  });
});
