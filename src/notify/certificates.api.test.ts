import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCert, startServer, type TestServer } from "../probe/fixtures.test-support.ts";
import { webhookChannel } from "../test/alert-routing.ts";
import { API, call, createMonitor, getJson, monitorBody, waitFor } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

/**
 * Certificate expiry warnings end to end: a TLS server with a self-signed certificate made here,
 * real checks (probe → evaluator), and a webhook channel subscribed to `certificate` events.
 */
const SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;

interface Warning {
  type: string;
  data: {
    monitor: { id: string };
    certificate: { daysLeft: number; notAfter: string; subject: string | null; threshold: number };
  };
}

describe.each(DB_KINDS)("certificate expiry warnings on %s", (kind) => {
  let up: TestUpblit;
  let hooks: Receiver;
  let tlsServer: Server;
  let tlsPort: number;
  let https: TestServer | undefined;

  beforeAll(async () => {
    up = await startTestUpblit(
      kind,
      { UPBLIT_ROLES: "api,probe,evaluator,notifier" },
      { notifierPollMs: 25 },
    );
    hooks = await startReceiver();
    await webhookChannel(up, hooks, "certs", {
      isDefault: true,
      events: ["certificate"],
      path: "/certs",
      secret: SECRET,
    });
    tlsServer = createServer(await createCert("localhost", -1, 10), (socket) => socket.end());
    await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await up?.close();
    await hooks?.close();
    await https?.close();
    await new Promise<void>((resolve) => (tlsServer ? tlsServer.close(() => resolve()) : resolve()));
  });
  beforeEach(() => {
    hooks.requests.length = 0;
  });

  const tlsMonitor = async (name: string, extra: Record<string, unknown> = {}) =>
    (
      await createMonitor(
        up,
        monitorBody("tls", { name, target: `localhost:${tlsPort}`, intervalSeconds: 3600, ...extra }),
      )
    ).id;
  /** Runs one real check and waits until its result is stored (the monitor then has `n` results). */
  async function check(id: string, n: number): Promise<void> {
    const res = await call(up, "POST", `${API}/monitors/${id}/check`);
    expect(res.statusCode, res.body).toBe(202);
    await waitFor(
      async () => (await getJson<{ items: unknown[] }>(up, `${API}/monitors/${id}/results`)).items.length,
      (count) => count >= n,
      15_000,
    );
  }
  const warnings = (): Warning[] =>
    hooks.requests.map(
      (r) => new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>) as Warning,
    );
  const notificationsOf = (id: string) =>
    up.rt.db
      .selectFrom("notifications")
      .select(["event", "event_id"])
      .where("monitor_id", "=", id)
      .orderBy("created_at")
      .execute();
  const warnedThresholds = async (id: string) =>
    (
      await up.rt.db
        .selectFrom("certificate_warnings")
        .select(["threshold", "certificate"])
        .where("monitor_id", "=", id)
        .orderBy("threshold")
        .execute()
    ).map((r) => r.threshold);
  /** Lets the notifier deliver whatever is due, so that "nothing more" is a real observation. */
  const settle = () => new Promise((r) => setTimeout(r, 600));

  it("10 days left: one warning at 14 (not also 30), not repeated; a new 5-day certificate warns at 7", async () => {
    const id = await tlsMonitor("tls 10 days");
    await check(id, 1);
    await hooks.waitFor(1);
    const [first] = warnings();
    expect(first!.type).toBe("certificate.expiring");
    expect(first!.data.monitor.id).toBe(id);
    expect(first!.data.certificate).toMatchObject({ threshold: 14, subject: "localhost" });
    expect(first!.data.certificate.daysLeft).toBeGreaterThanOrEqual(9);
    expect(first!.data.certificate.daysLeft).toBeLessThanOrEqual(10);
    expect(Date.parse(first!.data.certificate.notAfter) - Date.now()).toBeGreaterThan(9 * 86_400_000);
    // 30 is marked as warned too, so it never follows.
    expect(await warnedThresholds(id)).toEqual([14, 30]);

    await check(id, 2);
    await settle();
    expect(hooks.requests).toHaveLength(1);
    const rows = await notificationsOf(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.event).toBe("certificate");
    expect(rows[0]!.event_id).toMatch(new RegExp(`^crt:${id}:[0-9a-f]{64}:14$`));

    // The certificate is replaced by one with 5 days left: that one starts over, lowest first.
    tlsServer.setSecureContext(await createCert("localhost", -1, 5));
    await check(id, 3);
    await hooks.waitFor(2);
    await settle();
    const renewed = warnings()[1]!;
    expect(renewed.data.certificate.threshold).toBe(7);
    expect(renewed.data.certificate.daysLeft).toBeLessThanOrEqual(5);
    expect(hooks.requests).toHaveLength(2);
    expect(await warnedThresholds(id)).toEqual([7, 14, 14, 30, 30]);
    tlsServer.setSecureContext(await createCert("localhost", -1, 10));
  });

  it("an https monitor's own thresholds replace the default, and [] turns warnings off", async () => {
    https = await startServer((_req, res) => res.end("ok"), await createCert("localhost", -1, 20));
    const http = {
      method: "GET",
      headers: {},
      followRedirects: false,
      maxRedirects: 0,
      verifyTls: false,
    };
    const target = `https://localhost:${https.port}/`;
    const own = (
      await createMonitor(
        up,
        monitorBody("http", {
          name: "https 21",
          target,
          http,
          intervalSeconds: 3600,
          certExpiryDays: [21, 3],
        }),
      )
    ).id;
    const off = (
      await createMonitor(
        up,
        monitorBody("http", { name: "https off", target, http, intervalSeconds: 3600, certExpiryDays: [] }),
      )
    ).id;
    await check(own, 1);
    await check(off, 1);
    await hooks.waitFor(1);
    await settle();
    expect(warnings().map((w) => [w.data.monitor.id, w.data.certificate.threshold])).toEqual([[own, 21]]);
    expect(await warnedThresholds(off)).toEqual([]);
  });

  it("a silenced monitor warns no one; the warning goes out once the silence ends", async () => {
    const id = await tlsMonitor("silenced tls");
    const silence = await call(up, "PUT", `${API}/monitors/${id}/silence`, {
      reason: "renewing the certificate",
      until: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(silence.statusCode, silence.body).toBe(200);
    await check(id, 1);
    await settle();
    expect(hooks.requests).toEqual([]);
    expect(await warnedThresholds(id)).toEqual([]);

    expect((await call(up, "DELETE", `${API}/monitors/${id}/silence`)).statusCode).toBe(204);
    await check(id, 2);
    await hooks.waitFor(1);
    expect(warnings()[0]!.data.certificate.threshold).toBe(14);
  });
});
