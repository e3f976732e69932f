import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beatProbe } from "../../../services/regions/presence.ts";
import { watchRegions } from "../../../services/regions/watch.ts";
import { apiKeyFor, signInAs } from "../../../test/accounts.ts";
import {
  API,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  monitorBody,
  waitFor,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startMailUpblit } from "../../../test/mail-upblit.ts";
import { type SmtpFixture, startSmtp } from "../../../test/smtp.ts";
import { OWNER, startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface RegionJson {
  name: string;
  kind: string;
  description: string | null;
  monitors: number;
  probes: number;
  lastSeen: string | null;
  status: "live" | "silent";
  silentSince: string | null;
  isDefault: boolean;
}

const list = async (up: TestUpblit) =>
  (await call(up, "GET", `${API}/regions`)).json<{ items: RegionJson[] }>().items;

describe.each(DB_KINDS)("regions API on %s", (kind) => {
  let up: TestUpblit;
  let smtp: SmtpFixture;

  beforeAll(async () => {
    smtp = await startSmtp();
    up = await startMailUpblit(kind, smtp);
  });
  afterAll(async () => {
    await up?.close();
    await smtp?.close();
  });

  it("lists the server's own region before anything declares it; declaring one shows it silent until a probe beats", async () => {
    expect(await list(up)).toEqual([
      expect.objectContaining({
        name: "local",
        kind: "local",
        isDefault: true,
        monitors: 0,
        status: "silent",
      }),
    ]);
    const created = await call(up, "POST", `${API}/regions`, {
      name: "eu-west",
      kind: "remote",
      description: "Frankfurt",
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe(`${API}/regions/eu-west`);
    expect(created.json()).toMatchObject({
      name: "eu-west",
      kind: "remote",
      probes: 0,
      lastSeen: null,
      status: "silent",
    });

    await beatProbe(
      up.rt.db,
      // A remote region: a probe on the organization's token makes it live.
      {
        probeId: "prb_eu1",
        region: "eu-west",
        host: "eu1",
        startedAt: up.rt.clock.now(),
        organizationId: up.organizationId,
      },
      up.rt.clock.now(),
    );
    const live = (await call(up, "GET", `${API}/regions/eu-west`)).json<RegionJson>();
    expect(live).toMatchObject({ status: "live", probes: 1 });
    expect(live.lastSeen).not.toBeNull();

    expectProblem(await call(up, "POST", `${API}/regions`, { name: "eu-west" }), 409, "CONFLICT");
    expectValidation(await call(up, "POST", `${API}/regions`, { name: "EU West!", kind: "moon" }), [
      "body.name",
      "body.kind",
    ]);
    const patched = await call(up, "PATCH", `${API}/regions/eu-west`, { description: null });
    expect(patched.json()).toMatchObject({ name: "eu-west", kind: "remote", description: null });
    expectProblem(await call(up, "GET", `${API}/regions/nowhere`), 404, "NOT_FOUND");
  });

  it("monitors choose among declared regions; the quorum fits their number", async () => {
    await call(up, "POST", `${API}/regions`, { name: "us-east" });
    const undeclared = expectProblem(
      await call(up, "POST", `${API}/monitors`, monitorBody("http", { regions: ["local", "mars-1"] })),
      422,
      "PRECONDITION_FAILED",
    );
    expect(undeclared.errors).toEqual([
      { path: "body.regions.1", message: expect.stringContaining("mars-1 is not declared") },
    ]);
    expectValidation(
      await call(
        up,
        "POST",
        `${API}/monitors`,
        monitorBody("http", { regions: ["local", "us-east"], quorum: 3 }),
      ),
      ["body.quorum"],
    );
    expectValidation(
      await call(up, "POST", `${API}/monitors`, monitorBody("http", { regions: ["local", "local"] })),
      ["body.regions"],
    );
    const m = await createMonitor(
      up,
      monitorBody("http", { regions: ["local", "us-east", "eu-west"], quorum: 2 }),
    );
    expect(m).toMatchObject({ regions: ["local", "us-east", "eu-west"], quorum: 2 });
    const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, { regions: ["local", "nowhere"] });
    expectProblem(patched, 422, "PRECONDITION_FAILED");
    // Fewer regions than the quorum: refused at the quorum until it changes too.
    expectValidation(await call(up, "PATCH", `${API}/monitors/${m.id}`, { regions: ["us-east"] }), [
      "body.quorum",
    ]);
    const single = await call(up, "PATCH", `${API}/monitors/${m.id}`, { regions: ["us-east"], quorum: null });
    expect(single.json()).toMatchObject({ regions: ["us-east"], quorum: null });
    await call(up, "PATCH", `${API}/monitors/${m.id}`, { regions: ["local", "us-east"] });

    const byName = new Map((await list(up)).map((r) => [r.name, r]));
    expect(byName.get("local")).toMatchObject({ monitors: 1, isDefault: true });
    expect(byName.get("us-east")).toMatchObject({ monitors: 1 });
    expect(byName.get("eu-west")).toMatchObject({ monitors: 0 });

    expectProblem(await call(up, "DELETE", `${API}/regions/us-east`), 409, "CONFLICT");
    expectProblem(await call(up, "DELETE", `${API}/regions/local`), 409, "CONFLICT");
    expect((await call(up, "DELETE", `${API}/regions/eu-west`)).statusCode).toBe(204);
    expectProblem(await call(up, "GET", `${API}/regions/eu-west`), 404, "NOT_FOUND");
  });

  it("only admins declare, change or remove regions; viewers and read keys may list them", async () => {
    const viewer = await signInAs(up, "viewer");
    const readKey = await apiKeyFor(await signInAs(up, "owner"), ["monitors:read", "monitors:write"]);
    for (const headers of [viewer.headers, { authorization: `Bearer ${readKey}` }]) {
      expect((await call(up, "GET", `${API}/regions`, undefined, headers)).statusCode).toBe(200);
      expectProblem(await call(up, "POST", `${API}/regions`, { name: "ap-1" }, headers), 403, "FORBIDDEN");
      expectProblem(
        await call(up, "PATCH", `${API}/regions/us-east`, { description: "x" }, headers),
        403,
        "FORBIDDEN",
      );
      expectProblem(await call(up, "DELETE", `${API}/regions/us-east`, undefined, headers), 403, "FORBIDDEN");
    }
    expectProblem(
      await call(up, "GET", `${API}/regions`, undefined, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("a region used by monitors with no live probe is shown silent and mailed to admins once; its return too", async () => {
    await call(up, "POST", `${API}/regions`, { name: "far-away" });
    await createMonitor(up, monitorBody("http", { name: "far", regions: ["local", "far-away"] }));
    const changes = await watchRegions(up.rt, 0);
    expect(changes.filter((c) => c.region === "far-away")).toEqual([
      expect.objectContaining({
        organizationId: up.organizationId,
        change: "silent",
        monitors: 1,
        lastSeen: null,
      }),
    ]);
    const farMails = async () => smtp.mailsTo(OWNER.email).filter((m) => m.subject.includes("far-away"));
    const [mail] = await waitFor(farMails, (m) => m.length >= 1);
    expect(mail!.subject).toMatch(/^Region far-away has no live probe/);
    expect(mail!.text).toContain("counts it as unknown");
    const silent = (await call(up, "GET", `${API}/regions/far-away`)).json<RegionJson>();
    expect(silent.status).toBe("silent");
    expect(silent.silentSince).not.toBeNull();

    // A second pass (or a second scheduler) tells no one again.
    expect((await watchRegions(up.rt, 0)).filter((c) => c.region === "far-away")).toEqual([]);
    expect(await farMails()).toHaveLength(1);

    const now = up.rt.clock.now();
    await beatProbe(up.rt.db, { probeId: "prb_far", region: "far-away", host: "far", startedAt: now }, now);
    expect((await watchRegions(up.rt, 0)).filter((c) => c.region === "far-away")).toEqual([
      expect.objectContaining({ change: "back" }),
    ]);
    const both = await waitFor(farMails, (m) => m.length >= 2);
    expect(both[1]!.subject).toMatch(/^Region far-away has a live probe again/);
    expect((await call(up, "GET", `${API}/regions/far-away`)).json<RegionJson>()).toMatchObject({
      status: "live",
      silentSince: null,
    });
  });
});

describe("a probe's readiness and its region", () => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", { UPBLIT_ROLES: "api,probe", REGION: "edge-1" });
  });
  afterAll(async () => up?.close());

  it("/readyz names the probe's region, live from its first beat; the region lists it", async () => {
    const ready = await up.app!.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", probe: { region: "edge-1", live: true } });
    const region = (await call(up, "GET", `${API}/regions/edge-1`)).json<RegionJson>();
    expect(region).toMatchObject({ name: "edge-1", isDefault: true, status: "live", probes: 1 });
  });
});
