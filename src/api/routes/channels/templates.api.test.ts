import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../../domain/check-result.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { recordResults } from "../../../services/checks/record-results.ts";
import {
  API,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { HOSTILE_NAME } from "../../../test/chat-channels.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type Receiver, startReceiver } from "../../../test/receiver.ts";
import { type SmtpFixture, startSmtp } from "../../../test/smtp.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * Custom templates end to end: saved and checked through the channels API, rendered by the real
 * adapters when the notifier delivers a state change to local receivers (HTTP and SMTP).
 */
const ZWSP = "\u200b";
const PUBLIC_URL = "https://upblit.test";

describe.each(DB_KINDS)("channel templates on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 4, 1, 8, 30));
  let up: TestUpblit;
  let receiver: Receiver;
  let smtp: SmtpFixture;
  let slot = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver();
    up = await startTestUpblit(
      kind,
      {
        UPBLIT_ROLES: "api,notifier",
        PUBLIC_URL,
        SMTP_URL: smtp.url,
        SMTP_FROM: "Upblit <upblit@upblit.test>",
      },
      { clock, notifierPollMs: 25 },
    );
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.answer(200, "ok");
  });

  const createChannel = async (body: Record<string, unknown>) => {
    const res = await call(up, "POST", `${API}/channels`, { name: "templated", ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; template: unknown }>();
  };
  /** A monitor named `name` that alerts exactly these channels. */
  const monitorFor = async (name: string, channelIds: string[]) => {
    const { id } = await createMonitor(up, monitorBody("http", { name, failuresBeforeDown: 1 }));
    const res = await call(up, "PUT", `${API}/monitors/${id}/channels`, { channelIds });
    expect(res.statusCode, res.body).toBe(200);
    return id;
  };
  const goDown = (monitorId: string): Promise<unknown> => {
    slot++;
    const result: CheckResult = {
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt: clock.now() - 1_000 + slot,
      startedAt: clock.now(),
      manual: false,
      status: "down",
      statusCode: 503,
      timings: { total: 12 },
      verdicts: [{ assertion: "status in [200]", ok: false, severity: "hard", actual: 503 }],
    };
    return recordResults(up.rt, [result]);
  };
  const organizationName = async () =>
    (
      await up.rt.db
        .selectFrom("organizations")
        .select("name")
        .where("id", "=", up.organizationId)
        .executeTakeFirstOrThrow()
    ).name;

  it("saves, shows, changes and clears a channel's template", async () => {
    const template = { title: "{{monitor}} is {{state}}", text: "{{#cause}}Why: {{cause}}{{/cause}}" };
    const created = await createChannel({ kind: "ntfy", config: { topic: "templated-ntfy" }, template });
    expect(created.template).toEqual(template);
    const got = await call(up, "GET", `${API}/channels/${created.id}`);
    expect(got.json<{ template: unknown }>().template).toEqual(template);

    const patched = await call(up, "PATCH", `${API}/channels/${created.id}`, {
      template: { text: "only {{monitor}}" },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json<{ template: unknown }>().template).toEqual({ text: "only {{monitor}}" });
    // Other changes keep the template.
    const renamed = await call(up, "PATCH", `${API}/channels/${created.id}`, { name: "renamed" });
    expect(renamed.json<{ template: unknown }>().template).toEqual({ text: "only {{monitor}}" });
    const cleared = await call(up, "PATCH", `${API}/channels/${created.id}`, { template: null });
    expect(cleared.json<{ template: unknown }>().template).toBeNull();
    const plain = await createChannel({ kind: "ntfy", config: { topic: "plain-ntfy" } });
    expect(plain.template).toBeNull();
  });

  it("refuses a template that does not parse with a 422 naming the field and the position", async () => {
    const res = await call(up, "POST", `${API}/channels`, {
      name: "bad template",
      kind: "ntfy",
      config: { topic: "bad-template" },
      template: { title: "{{monitor.name}}", text: "Down: {{monitor}}\n{{#cause}}{{hostname}}" },
    });
    const problem = expectProblem(res, 422, "PRECONDITION_FAILED");
    expect(problem.errors).toEqual([
      {
        path: "body.template.title",
        message: '"monitor.name": names are flat, there is no property access at line 1, column 1',
      },
      {
        path: "body.template.text",
        message: expect.stringMatching(/^unknown name "hostname" .* at line 2, column 11$/),
      },
      {
        path: "body.template.text",
        message: "{{#cause}} is never closed with {{/cause}} at line 2, column 1",
      },
    ]);
    const list = await call(up, "GET", `${API}/channels?limit=50`);
    expect(list.body).not.toContain("bad template");

    const channel = await createChannel({
      kind: "ntfy",
      config: { topic: "kept-template" },
      template: { text: "{{monitor}}" },
    });
    const patch = await call(up, "PATCH", `${API}/channels/${channel.id}`, {
      template: { text: "{{{monitor}}}" },
    });
    expect(expectProblem(patch, 422, "PRECONDITION_FAILED").errors[0]).toMatchObject({
      path: "body.template.text",
    });
    expect(
      (await call(up, "GET", `${API}/channels/${channel.id}`)).json<{ template: unknown }>().template,
    ).toEqual({
      text: "{{monitor}}",
    });
  });

  it("refuses line breaks in a title, control characters and oversized parts", async () => {
    const res = await call(up, "POST", `${API}/channels`, {
      name: "x",
      kind: "ntfy",
      config: { topic: "sizes" },
      template: { title: "a\nb", text: `${"x".repeat(4_001)}` },
    });
    expectValidation(res, ["body.template.title", "body.template.text"]);
    expectValidation(
      await call(up, "POST", `${API}/channels`, {
        name: "x",
        kind: "ntfy",
        config: { topic: "sizes" },
        template: { text: "bell \u0007", extra: "x" },
      }),
      ["body.template.extra", "body.template.text"],
    );
  });

  it("a templated Slack channel delivers exactly the rendered text, values escaped for mrkdwn", async () => {
    const channel = await createChannel({
      kind: "slack",
      secrets: { webhookUrl: `${receiver.origin}/services/T1/B1/slack-secret` },
      template: {
        title: "{{monitor}} went {{state}}",
        text: "*{{monitor}}* is {{state}} <!here>\n<{{monitor_url}}|Open>",
      },
    });
    const monitorId = await monitorFor(HOSTILE_NAME, [channel.id]);
    await goDown(monitorId);
    const [request] = await receiver.waitFor(1);
    expect(request!.path).toBe("/services/T1/B1/slack-secret");
    const escaped = `&lt;b&gt;@${ZWSP}everyone *x* &lt;!channel&gt;`;
    expect(request!.json).toEqual({
      text: `${escaped} went down`,
      blocks: [
        { type: "header", text: { type: "plain_text", text: `${HOSTILE_NAME} went down`, emoji: true } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: `*${escaped}* is down <!here>\n<${PUBLIC_URL}/monitors/${monitorId}|Open>`,
          },
        },
      ],
    });
  });

  it("a templated email channel delivers exactly the rendered subject, text and HTML", async () => {
    const to = "templated-oncall@example.com";
    const channel = await createChannel({
      kind: "email",
      config: { to: [to], subjectPrefix: "[prod]" },
      template: {
        title: "{{organization}}: {{monitor}} is {{state}}",
        text: "Hello,\n<b>{{monitor}}</b> is {{state}}.",
      },
    });
    const monitorId = await monitorFor("Billing <db> & co", [channel.id]);
    await goDown(monitorId);
    const mail = await smtp.waitForMail(to, 10_000);
    const org = await organizationName();
    expect(mail.subject).toBe(`[prod] ${org}: Billing <db> & co is down`);
    // The line break before a MIME boundary belongs to the boundary (RFC 2046), not to the part.
    expect(mail.text.replace(/\r\n/g, "\n").replace(/\n$/, "")).toBe(
      "Hello,\n<b>Billing <db> & co</b> is down.",
    );
    expect(mail.html.replace(/\r\n/g, "\n")).toContain(
      "Hello,<br>\n<b>Billing &lt;db&gt; &amp; co</b> is down.</body>",
    );
    expect(mail.html).not.toContain("<db>");
  });

  it("without a template, messages are unchanged", async () => {
    const channel = await createChannel({
      kind: "slack",
      secrets: { webhookUrl: `${receiver.origin}/services/T1/B1/plain` },
    });
    const monitorId = await monitorFor("Plain wording", [channel.id]);
    await goDown(monitorId);
    const [request] = await receiver.waitFor(1);
    const body = request!.json as { text: string; blocks: Array<{ text: { text: string } }> };
    expect(body.blocks[0]!.text.text).toBe("🔴 DOWN: Plain wording");
    expect(body.blocks[1]!.text.text).toMatch(/^Plain wording is down since 2031-05-01 08:30:00 UTC/);
  });
});
