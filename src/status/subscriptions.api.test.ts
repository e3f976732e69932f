import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../lib/clock.ts";
import { API, call, createMonitor, monitorBody } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type ReceivedMail, type SmtpFixture, startSmtp } from "../test/smtp.ts";
import { createPage, type PageJson, visit } from "../test/status-pages.ts";
import { ROOMY_RATE_LIMITS, startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const HOUR = 3_600_000;
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };

/**
 * Email subscriptions of a status page, end to end through a real SMTP server: double opt-in,
 * notices of published and updated incidents with RFC 8058 one-click unsubscribe, the
 * per-component filter, no oracle on repeats, bad tokens, and the rate limit.
 */
describe.each(DB_KINDS)("status page subscriptions on %s", (kind) => {
  let up: TestUpblit;
  let smtp: SmtpFixture;
  let page: PageJson;
  let apiId: string;
  let webId: string;
  const clock = new ManualClock(Date.UTC(2031, 0, 1));

  beforeAll(async () => {
    smtp = await startSmtp();
    up = await startTestUpblit(
      kind,
      { UPBLIT_ROLES: "api,notifier", SMTP_URL: smtp.url },
      {
        clock,
        notifierPollMs: 25,
        rateLimits: {
          ...ROOMY_RATE_LIMITS,
          mail: { perEmail: { limit: 3, seconds: 600 }, perIp: { limit: 20, seconds: 600 } },
        },
      },
    );
    apiId = (await createMonitor(up, monitorBody("http", { name: "api" }))).id;
    webId = (await createMonitor(up, monitorBody("http", { name: "web" }))).id;
    page = await createPage(up, {
      title: "Acme <Cloud>",
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
    await smtp?.close();
  });

  const subscribeJson = (email: string, components: string[] = [], ip?: string) =>
    visit(up, `/status/${page.slug}/subscribe`, {
      method: "POST",
      headers: JSON_TYPE,
      payload: JSON.stringify({ email, components }),
      ...(ip ? { ip } : {}),
    });

  function confirmToken(mail: ReceivedMail): string {
    const match = /\/subscriptions\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
    if (!match?.[1]) throw new Error(`no confirmation link in:\n${mail.text}`);
    return match[1];
  }

  const confirm = (token: string) =>
    visit(up, `/status/${page.slug}/subscriptions/confirm`, {
      method: "POST",
      headers: FORM,
      payload: new URLSearchParams({ token }).toString(),
    });

  /** Subscribes through the form and confirms with the mailed token. */
  async function subscribed(email: string, components: string[] = []): Promise<void> {
    const form = new URLSearchParams({ email });
    for (const c of components) form.append("components", c);
    const res = await visit(up, `/status/${page.slug}/subscribe`, {
      method: "POST",
      headers: FORM,
      payload: form.toString(),
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers["content-type"]).toContain("text/html");
    const done = await confirm(confirmToken(await smtp.waitForMail(email)));
    expect(done.statusCode, done.body).toBe(200);
  }

  async function subscribers(): Promise<
    Array<{ id: string; email: string; confirmed: boolean; components: string[] }>
  > {
    const res = await call(up, "GET", `${API}/status-pages/${page.id}/subscribers`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      items: Array<{ id: string; email: string; confirmed: boolean; components: string[] }>;
    }>().items;
  }

  async function publish(title: string, componentIds: string[]): Promise<string> {
    const res = await call(up, "POST", `${API}/status-pages/${page.id}/incidents`, {
      kind: "incident",
      title,
      impact: "major",
      componentIds,
      message: `Looking into <${title}>`,
      published: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  }

  async function postUpdate(incidentId: string, status: string, body: string): Promise<void> {
    const res = await call(up, "POST", `${API}/status-pages/${page.id}/incidents/${incidentId}/updates`, {
      status,
      body,
    });
    expect(res.statusCode, res.body).toBe(201);
  }

  it("confirms by POST only, mails notices with one-click unsubscribe, and stops after it", async () => {
    const res = await subscribeJson("Ada@Example.com");
    expect(res.statusCode, res.body).toBe(202);
    const mail = await smtp.waitForMail("ada@example.com");
    expect(mail.subject).toContain("Acme <Cloud>");
    expect(mail.html).toContain("Acme &lt;Cloud&gt;");
    const token = confirmToken(mail);
    // A scanner's GET shows a button and confirms nothing.
    const shown = await visit(up, `/status/${page.slug}/subscriptions/confirm?token=${token}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain(`value="${token}"`);
    expect((await subscribers()).find((s) => s.email === "ada@example.com")?.confirmed).toBe(false);
    expect((await confirm(token)).statusCode).toBe(200);
    expect((await subscribers()).find((s) => s.email === "ada@example.com")?.confirmed).toBe(true);
    expect((await confirm(token)).statusCode, "single use").toBe(400);
    await subscribed("bob@example.com");

    const incidentId = await publish("Database <down>", [apiId]);
    const notice = await smtp.waitForMail("ada@example.com");
    expect(notice.subject).toContain("Database <down>");
    expect(notice.text).toContain("Looking into <Database <down>>");
    expect(notice.html).toContain("Database &lt;down&gt;");
    expect(notice.html).not.toContain("<down>");
    expect(notice.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const link = /^<(https?:\/\/[^>]+)>$/.exec(notice.headers["list-unsubscribe"] ?? "")?.[1];
    expect(link, notice.headers["list-unsubscribe"]).toBeDefined();
    await smtp.waitForMail("bob@example.com");

    const path = new URL(link!).pathname + new URL(link!).search;
    const page1 = await visit(up, path);
    expect(page1.statusCode).toBe(200);
    expect(page1.body).toContain('<form method="post"');
    expect(
      (await subscribers()).some((s) => s.email === "ada@example.com"),
      "GET unsubscribes nothing",
    ).toBe(true);
    const oneClick = await visit(up, path, {
      method: "POST",
      headers: FORM,
      payload: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect((await subscribers()).some((s) => s.email === "ada@example.com")).toBe(false);

    await postUpdate(incidentId, "resolved", "Fixed it.");
    const resolved = await smtp.waitForMail("bob@example.com");
    expect(resolved.subject).toContain("Resolved");
    expect(resolved.text).toContain("Fixed it.");
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mailsTo("ada@example.com")).toHaveLength(2);
  });

  it("mails a component's subscribers only about incidents of that component", async () => {
    await subscribed("web-only@example.com", [webId]);
    await subscribed("everything@example.com");
    const list = await subscribers();
    expect(list.find((s) => s.email === "web-only@example.com")?.components).toEqual([webId]);
    await publish("API slow", [apiId]);
    await smtp.waitForMail("everything@example.com");
    await publish("Website slow", [webId]);
    await smtp.waitForMail("everything@example.com");
    const webMail = await smtp.waitForMail("web-only@example.com");
    expect(webMail.subject).toContain("Website slow");
    await new Promise((r) => setTimeout(r, 200));
    expect(
      smtp
        .mailsTo("web-only@example.com")
        .map((m) => m.subject)
        .join("\n"),
    ).not.toContain("API slow");
  });

  it("mails nothing for a draft and announces maintenance when it is published", async () => {
    await subscribed("maint@example.com");
    const draft = await call(up, "POST", `${API}/status-pages/${page.id}/incidents`, {
      kind: "maintenance",
      title: "Database upgrade",
      impact: "none",
      componentIds: [],
      message: "Planned.",
      published: false,
      scheduledFor: new Date(clock.now() + 24 * HOUR).toISOString(),
      scheduledUntil: new Date(clock.now() + 25 * HOUR).toISOString(),
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const id = draft.json<{ id: string }>().id;
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mailsTo("maint@example.com")).toHaveLength(1);
    const published = await call(up, "POST", `${API}/status-pages/${page.id}/incidents/${id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    const mail = await smtp.waitForMail("maint@example.com");
    expect(mail.subject).toBe("[Acme <Cloud>] New maintenance: Database upgrade");
  });

  it("answers a repeat subscribe like a new one and mails nothing to a confirmed address", async () => {
    await subscribed("repeat@example.com");
    const before = smtp.mailsTo("repeat@example.com").length;
    const again = await subscribeJson("repeat@example.com");
    const fresh = await subscribeJson("fresh@example.com");
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(fresh.body);
    await smtp.waitForMail("fresh@example.com");
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mailsTo("repeat@example.com")).toHaveLength(before);
  });

  it("refuses tampered and expired tokens and unknown components", async () => {
    expect((await subscribeJson("late@example.com")).statusCode).toBe(202);
    const token = confirmToken(await smtp.waitForMail("late@example.com"));
    expect((await confirm(`${token.slice(0, -2)}xx`)).statusCode).toBe(400);
    clock.advance(49 * HOUR);
    expect((await confirm(token)).statusCode).toBe(400);
    expect(
      (await subscribers()).some((s) => s.email === "late@example.com"),
      "expired ones are not listed",
    ).toBe(false);
    const sub = (await subscribers())[0]!;
    const forged = await visit(up, `/status/${page.slug}/unsubscribe?token=${sub.id}.forged`, {
      method: "POST",
      headers: FORM,
      payload: "List-Unsubscribe=One-Click",
    });
    expect(forged.statusCode).toBe(400);
    expect((await subscribers()).some((s) => s.id === sub.id)).toBe(true);
    const members = await createPage(up, { visibility: "members" });
    const refused = await visit(up, `/status/${members.slug}/subscribe`, {
      method: "POST",
      headers: JSON_TYPE,
      payload: JSON.stringify({ email: "private@example.com" }),
    });
    expect(refused.statusCode, "only public pages take subscribers").toBe(404);
    const unknown = await subscribeJson("parts@example.com", ["mon_00000000000000000000000000"]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe("body.components.0");
  });

  it("limits subscribe requests per address and per IP", async () => {
    for (let i = 0; i < 3; i++)
      expect((await subscribeJson("spam@example.com", [], "10.1.1.1")).statusCode).toBe(202);
    const perEmail = await subscribeJson("spam@example.com", [], "10.1.1.2");
    expect(perEmail.statusCode).toBe(429);
    expect(perEmail.headers["retry-after"]).toBeDefined();
    for (let i = 0; i < 17; i++) await subscribeJson(`ip-${i}@example.com`, [], "10.1.1.1");
    expect((await subscribeJson("one-more@example.com", [], "10.1.1.1")).statusCode).toBe(429);
  });

  it("lets members delete a subscriber, and 404s one of another page", async () => {
    await subscribed("gone@example.com");
    const sub = (await subscribers()).find((s) => s.email === "gone@example.com")!;
    const other = await createPage(up, { title: "Other" });
    const wrong = await call(up, "DELETE", `${API}/status-pages/${other.id}/subscribers/${sub.id}`);
    expect(wrong.statusCode).toBe(404);
    const del = await call(up, "DELETE", `${API}/status-pages/${page.id}/subscribers/${sub.id}`);
    expect(del.statusCode).toBe(204);
    expect((await subscribers()).some((s) => s.id === sub.id)).toBe(false);
    expect(
      (await call(up, "GET", `${API}/status-pages/${page.id}/subscribers`, undefined, {})).statusCode,
    ).toBe(200);
    const anonymous = await up.app!.inject({
      method: "GET",
      url: `${API}/status-pages/${page.id}/subscribers`,
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
