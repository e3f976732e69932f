import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/db.ts";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { slowdown } from "../../src/test/patience.ts";
import { type Received, type Receiver, startReceiver } from "../../src/test/receiver.ts";
import {
  api,
  freePort,
  httpMonitor,
  patientTest,
  sleep,
  startUpblitProcess,
  tempDir,
  type UpblitProcess,
  waitFor,
} from "./helpers.ts";

/**
 * SECURITY.md: "kill -9 of the notifier between send and record" loses no delivery. The real CLI
 * on PostgreSQL sends a webhook the receiver never answers; the process is killed while it waits.
 * A second process on the same database takes the lapsed claim over and sends the same
 * notification again, with the same `webhook-id`, so the receiver can drop the duplicate.
 */
// Long enough that the first process cannot lose its own claim (and send again) while the test
// looks at it before the kill — the lease must outlast a few API calls, which a busy machine slows.
const LEASE_SECONDS = Math.ceil(3 * slowdown());
const SIGNING_SECRET = `whsec_${randomBytes(32).toString("base64")}`;

interface ApiNotification {
  id: string;
  monitorId: string | null;
  event: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  deliveryAttempts: Array<{ outcome: string; statusCode: number | null; error: string | null }>;
}

const running: UpblitProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A target that always answers 500, so its monitor goes down and stays down. */
async function failingTarget(): Promise<string> {
  const server: Server = createServer((_req, res) => res.writeHead(500).end("boom"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

async function notificationsOf(base: string, monitorId: string): Promise<ApiNotification[]> {
  const page = await api<{ items: ApiNotification[] }>(
    base,
    "GET",
    `/api/v1/notifications?monitorId=${monitorId}&limit=50`,
  );
  return page.items;
}

interface WebhookPayload {
  type: string;
  data: { notificationId: string; monitor: { id: string } };
}

/** Checks the Standard Webhooks signature (it throws on a bad one) and returns the payload. */
function verified(r: Received): WebhookPayload {
  return new Webhook(SIGNING_SECRET).verify(r.body, r.headers as Record<string, string>) as WebhookPayload;
}

describe("kill -9 of the notifier between send and record", () => {
  it(
    "sends the notification again from another process, with the same webhook-id, once",
    async () => {
      const db: TestDatabase = await createTestDatabase("postgres");
      cleanups.push(() => db.drop());
      const tmp = tempDir("notifier-crash");
      cleanups.push(tmp.remove);
      const receiver: Receiver = await startReceiver();
      cleanups.push(() => receiver.close());
      const target = await failingTarget();
      const shared = {
        DATABASE_URL: db.databaseUrl!,
        SECRET_KEY: randomBytes(32).toString("hex"),
        NOTIFY_LEASE_SECONDS: String(LEASE_SECONDS),
      };

      // The first request is held: the notifier has sent and waits for the answer it would record.
      const held: Array<() => void> = [];
      receiver.respond((_req, res) => {
        held.push(() => res.destroy());
      });
      cleanups.push(() => {
        for (const release of held) release();
      });

      const first = await startUpblitProcess(`${tmp.dir}/first`, await freePort(), {
        ...shared,
        UPBLIT_ROLES: "api,scheduler,probe,evaluator,notifier",
      });
      running.push(first);
      await api(first.base, "POST", "/api/v1/channels", {
        name: "ops webhook",
        kind: "webhook",
        config: { url: `${receiver.origin}/hooks/upblit` },
        secrets: { signingSecret: SIGNING_SECRET },
        isDefault: true,
      });
      const monitor = await api<{ id: string }>(
        first.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("payments", target),
      );

      const [sent] = await receiver.waitFor(1);
      const id = sent!.headers["webhook-id"];
      expect(typeof id).toBe("string");
      expect(verified(sent!)).toMatchObject({
        type: "monitor.down",
        data: { notificationId: id, monitor: { id: monitor.id } },
      });
      // Killed at once: one attempt may take at most 10 s (then the notifier records it), and on a
      // busy machine even one API call before the kill can take seconds.
      first.child.kill("SIGKILL");
      expect((await first.exited).signal).toBe("SIGKILL");
      expect(receiver.requests).toHaveLength(1);
      // Between send and record: claimed, no attempt written (read from the database itself).
      const store = await openDatabase({ driver: "postgres", url: db.databaseUrl! });
      try {
        const inFlight = await store
          .selectFrom("notifications")
          .select(["id", "event", "status"])
          .where("monitor_id", "=", monitor.id)
          .execute();
        expect(inFlight).toEqual([{ id, event: "down", status: "sending" }]);
        const attempts = await store
          .selectFrom("delivery_attempts")
          .select("id")
          .where("notification_id", "=", id!)
          .execute();
        expect(attempts).toEqual([]);
      } finally {
        await store.destroy();
      }

      // From now on the receiver takes deliveries; a second process takes the outbox over.
      receiver.answer(200, '{"ok":true}', { "content-type": "application/json" });
      const second = await startUpblitProcess(`${tmp.dir}/second`, await freePort(), {
        ...shared,
        UPBLIT_ROLES: "api,notifier",
      });
      running.push(second);

      const [, resent] = await receiver.waitFor(2);
      expect(resent!.headers["webhook-id"]).toBe(id);
      expect(verified(resent!).data).toEqual(verified(sent!).data);

      const done = await waitFor("the notification recorded as sent", async () => {
        const list = await notificationsOf(second.base, monitor.id);
        return list.length === 1 && list[0]!.status === "sent" ? list[0] : undefined;
      });
      // Two claims (the lost one and the recovery); the one attempt that completed is recorded.
      expect(done).toMatchObject({ id, event: "down", status: "sent", attempts: 2, lastError: null });
      expect(done!.sentAt).not.toBeNull();
      expect(done!.deliveryAttempts).toMatchObject([{ outcome: "sent", statusCode: 200, error: null }]);

      // Nothing else arrives: no second re-send, no notification lost or made up.
      await sleep(1_500);
      const forMonitor = receiver.requests.filter((r) => verified(r).data.monitor.id === monitor.id);
      expect(forMonitor).toHaveLength(2);
      const ids = new Set(forMonitor.map((r) => r.headers["webhook-id"]));
      const listed = await notificationsOf(second.base, monitor.id);
      expect([...ids]).toEqual(listed.map((n) => n.id));
    },
    patientTest(5),
  );
});
