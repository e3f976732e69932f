import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, call, createMonitor, monitorBody, waitFor } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { createPage, type PageJson } from "../test/status-pages.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A receiver on 127.0.0.1 that records every POST and answers 204 (400 on /refuse). */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(req.url === "/refuse" ? 400 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

function verify(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const signed = `${r.headers["webhook-id"]}.${r.headers["webhook-timestamp"]}.${r.body}`;
  const expected = `v1,${createHmac("sha256", key).update(signed).digest("base64")}`;
  return r.headers["webhook-signature"] === expected;
}

/**
 * Webhook subscriptions of a status page: the secret shown once, signed Standard Webhooks POSTs of
 * published and updated incidents, the component filter, the outbound client's address rules,
 * and removal.
 */
describe.each(DB_KINDS)("status page webhook subscriptions on %s", (kind) => {
  let up: TestUpblit;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let page: PageJson;
  let apiId: string;
  let webId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { notifierPollMs: 25 });
    apiId = (await createMonitor(up, monitorBody("http", { name: "api" }))).id;
    webId = (await createMonitor(up, monitorBody("http", { name: "web" }))).id;
    page = await createPage(up, {
      groups: [
        {
          name: "Core",
          components: [
            { monitorId: apiId, displayName: "API" },
            { monitorId: webId, displayName: "Website" },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await up?.close();
    await new Promise((r) => receiver?.server.close(r));
  });

  async function publish(title: string, componentIds: string[]): Promise<string> {
    const res = await call(up, "POST", `${API}/status-pages/${page.id}/incidents`, {
      kind: "incident",
      title,
      impact: "minor",
      componentIds,
      message: "Investigating.",
      published: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  }

  it("posts signed notices of the components it follows, and nothing once removed", async () => {
    const created = await call(up, "POST", `${API}/status-pages/${page.id}/webhooks`, {
      url: receiver.url,
      components: [webId],
    });
    expect(created.statusCode, created.body).toBe(201);
    const hook = created.json<{ id: string; secret: string; components: string[] }>();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(hook.components).toEqual([webId]);
    const listed = await call(up, "GET", `${API}/status-pages/${page.id}/webhooks`);
    expect(listed.body).not.toContain(hook.secret);
    expect(listed.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id)).toEqual([hook.id]);

    await publish("API only", [apiId]);
    const incidentId = await publish("Website down", [webId]);
    await waitFor(
      async () => receiver.received.length,
      (n) => n >= 1,
    );
    const first = receiver.received[0]!;
    expect(verify(hook.secret, first)).toBe(true);
    expect(verify(hook.secret, { ...first, body: first.body.replace("Website", "Webxite") })).toBe(false);
    const payload = JSON.parse(first.body) as {
      type: string;
      data: { incident: { id: string; title: string } };
    };
    expect(payload.type).toBe("status_incident.published");
    expect(payload.data.incident).toMatchObject({ id: incidentId, title: "Website down" });

    const update = await call(up, "POST", `${API}/status-pages/${page.id}/incidents/${incidentId}/updates`, {
      status: "resolved",
      body: "Back.",
    });
    expect(update.statusCode, update.body).toBe(201);
    await waitFor(
      async () => receiver.received.length,
      (n) => n >= 2,
    );
    expect(JSON.parse(receiver.received[1]!.body).type).toBe("status_incident.resolved");
    expect(receiver.received.map((r) => r.body).join("\n")).not.toContain("API only");

    const removed = await call(up, "DELETE", `${API}/status-pages/${page.id}/webhooks/${hook.id}`);
    expect(removed.statusCode).toBe(204);
    await publish("Website slow", [webId]);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(2);
  });

  it("goes through the outbound client's address rules (cloud metadata refused)", async () => {
    const created = await call(up, "POST", `${API}/status-pages/${page.id}/webhooks`, {
      url: "http://169.254.169.254/latest/meta-data",
    });
    expect(created.statusCode, created.body).toBe(201);
    const hookId = created.json<{ id: string }>().id;
    await publish("Metadata probe", []);
    const row = await waitFor(
      () =>
        up.rt.db
          .selectFrom("status_subscription_notices")
          .select(["status", "last_error", "attempts"])
          .where("webhook_id", "=", hookId)
          .executeTakeFirst(),
      (r) => r?.last_error != null,
    );
    expect(row?.status).toBe("pending");
    expect(row?.attempts).toBe(1);
    await call(up, "DELETE", `${API}/status-pages/${page.id}/webhooks/${hookId}`);
  });

  it("gives a notice up at once when the receiver refuses it with a 4xx", async () => {
    const created = await call(up, "POST", `${API}/status-pages/${page.id}/webhooks`, {
      url: receiver.url.replace("/hook", "/refuse"),
    });
    expect(created.statusCode, created.body).toBe(201);
    const hookId = created.json<{ id: string }>().id;
    await publish("Refused", []);
    const row = await waitFor(
      () =>
        up.rt.db
          .selectFrom("status_subscription_notices")
          .select(["status", "last_error", "attempts"])
          .where("webhook_id", "=", hookId)
          .executeTakeFirst(),
      (r) => r?.status === "failed",
    );
    expect(row).toMatchObject({ attempts: 1, last_error: "HTTP 400" });
    await call(up, "DELETE", `${API}/status-pages/${page.id}/webhooks/${hookId}`);
  });

  it("refuses URLs with credentials and components not on the page", async () => {
    const withCredentials = await call(up, "POST", `${API}/status-pages/${page.id}/webhooks`, {
      url: "https://user:pass@hooks.example.com/x",
    });
    expect(withCredentials.statusCode).toBe(400);
    const unknown = await call(up, "POST", `${API}/status-pages/${page.id}/webhooks`, {
      url: "https://hooks.example.com/x",
      components: ["mon_00000000000000000000000000"],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe("body.components.0");
  });
});
