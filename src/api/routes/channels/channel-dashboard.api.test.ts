import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckResult, ResultStatus } from "../../../domain/check-result.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { recordResults } from "../../../services/checks/record-results.ts";
import { otherOrganization } from "../../../test/accounts.ts";
import { API, call, createMonitor, expectValidation, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type Receiver, startReceiver } from "../../../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * What the dashboard's alerting screens read besides the channel routes themselves: each kind's
 * settings as JSON Schema (the form is built from it), each channel's newest delivery (the list),
 * and retrying several dead letters at once (the deliveries screen).
 */
const SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;

interface KindJson {
  kind: string;
  label: string;
  config: {
    type: string;
    properties: Record<string, { type?: string; format?: string }>;
    required?: string[];
  };
  secrets: { type: string; properties: Record<string, { type?: string }>; required?: string[] };
  generatedSecrets: string[];
}

describe.each(DB_KINDS)("channel kinds, last deliveries and bulk retry on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 0, 1));
  let up: TestUpblit;
  let receiver: Receiver;
  let channelId: string;
  let slot = 0;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { clock, notifierPollMs: 25 });
    receiver = await startReceiver();
    const res = await call(up, "POST", `${API}/channels`, {
      name: "ops webhook",
      kind: "webhook",
      config: { url: `${receiver.origin}/hooks/upblit` },
      secrets: { signingSecret: SECRET },
      isDefault: true,
      events: ["down", "up"],
    });
    expect(res.statusCode, res.body).toBe(201);
    channelId = res.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });
  beforeEach(() => receiver.answer(200, "{}"));

  const result = (monitorId: string, status: ResultStatus): CheckResult => {
    slot++;
    return {
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt: clock.now() - 1_000 + slot,
      startedAt: clock.now(),
      manual: false,
      status,
      statusCode: status === "down" ? 503 : 200,
      timings: { total: 12 },
      verdicts: [],
    };
  };
  const monitor = async (name: string) =>
    (await createMonitor(up, monitorBody("http", { name, failuresBeforeDown: 1, successesBeforeUp: 1 }))).id;
  const deliveries = async (query: string) =>
    (await call(up, "GET", `${API}/notifications?${query}`)).json<{
      items: Array<{
        id: string;
        status: string;
        monitorId: string;
        monitor: { id: string; name: string } | null;
      }>;
    }>().items;
  /** A monitor going down while the receiver refuses: its delivery becomes a dead letter. */
  const deadLetter = async (name: string) => {
    receiver.answer(400, "bad payload");
    const id = await monitor(name);
    await recordResults(up.rt, [result(id, "down")]);
    let letter: { id: string } | undefined;
    await expect
      .poll(async () => {
        letter = (await deliveries(`monitorId=${id}&status=failed`))[0];
        return letter;
      })
      .toBeDefined();
    return letter!.id;
  };

  it("lists every kind with its settings as JSON Schema, secrets apart, and the secrets it generates", async () => {
    const res = await call(up, "GET", `${API}/channel-kinds`);
    expect(res.statusCode).toBe(200);
    const kinds = res.json<{ items: KindJson[] }>().items;
    expect(kinds.map((k) => k.kind)).toContain("slack");
    const webhook = kinds.find((k) => k.kind === "webhook")!;
    expect(webhook.config.required).toEqual(["url"]);
    expect(webhook.config.properties.url).toMatchObject({ type: "string", format: "uri" });
    expect(webhook.config.properties.headers?.type).toBe("object");
    expect(Object.keys(webhook.secrets.properties)).toEqual(["signingSecret"]);
    expect(webhook.generatedSecrets).toEqual(["signingSecret"]);
    expect(webhook).not.toHaveProperty("config.$schema");
    const slack = kinds.find((k) => k.kind === "slack")!;
    // A Slack webhook URL embeds its token: a secret, never in config.
    expect(slack.config.properties).toEqual({});
    expect(slack.secrets.required).toEqual(["webhookUrl"]);
    expect(slack.generatedSecrets).toEqual([]);
    const telegram = kinds.find((k) => k.kind === "telegram")!;
    expect(telegram.config.properties.messageThreadId?.type).toBe("integer");
  });

  it("gives each channel's newest delivery with its latest attempt, and only the organization's", async () => {
    const quiet = await call(up, "POST", `${API}/channels`, {
      name: "never used",
      kind: "webhook",
      config: { url: `${receiver.origin}/quiet` },
    });
    expect(quiet.statusCode).toBe(201);
    const id = await monitor("checkout");
    await recordResults(up.rt, [result(id, "down")]);
    await expect.poll(async () => (await deliveries(`monitorId=${id}`))[0]?.status).toBe("sent");
    const [newest] = await deliveries(`channelId=${channelId}`);
    const res = await call(up, "GET", `${API}/notifications/last-per-channel`);
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Array<Record<string, unknown>> }>().items;
    expect(items).toEqual([
      {
        channelId,
        notificationId: newest!.id,
        event: "down",
        status: "sent",
        createdAt: expect.any(String),
        lastAttempt: { at: expect.any(String), outcome: "sent", statusCode: 200, error: null },
      },
    ]);
    const other = await otherOrganization(up, "Other org");
    const theirs = await call(up, "GET", `${API}/notifications/last-per-channel`, undefined, other.headers);
    expect(theirs.json()).toEqual({ items: [] });
  });

  it("names each delivery's monitor, and gives null once the monitor is deleted", async () => {
    const id = await monitor("billing api");
    await recordResults(up.rt, [result(id, "down")]);
    await expect.poll(async () => (await deliveries(`monitorId=${id}`))[0]?.status).toBe("sent");
    expect((await deliveries(`monitorId=${id}`))[0]).toMatchObject({
      monitorId: id,
      monitor: { id, name: "billing api" },
    });
    expect((await call(up, "DELETE", `${API}/monitors/${id}`)).statusCode).toBe(204);
    const [orphan] = await deliveries(`monitorId=${id}`);
    expect(orphan).toMatchObject({ monitorId: id, monitor: null });
  });

  it("retries several dead letters at once and skips ids that are not (or not ours)", async () => {
    const first = await deadLetter("bulk one");
    const second = await deadLetter("bulk two");
    const sent = (await deliveries("status=sent"))[0]!.id;
    receiver.answer(200, "{}");
    const res = await call(up, "POST", `${API}/notifications/retry`, {
      ids: [first, second, sent, "ntf_00000000000000000000000000"],
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json<{ retried: string[] }>().retried.sort()).toEqual([first, second].sort());
    await expect
      .poll(async () => (await deliveries("status=failed")).filter((d) => [first, second].includes(d.id)))
      .toEqual([]);
    await expect
      .poll(
        async () => (await deliveries("status=sent")).filter((d) => [first, second].includes(d.id)).length,
      )
      .toBe(2);
    const audit = await up.rt.db
      .selectFrom("audit_log")
      .select("target_id")
      .where("action", "=", "notification.retry")
      .execute();
    expect(audit.map((a) => a.target_id)).toEqual(expect.arrayContaining([first, second]));
    expect(audit.map((a) => a.target_id)).not.toContain(sent);
  });

  it("refuses an empty or oversized bulk retry, naming the field", async () => {
    expectValidation(await call(up, "POST", `${API}/notifications/retry`, { ids: [] }), ["body.ids"]);
    const many = Array.from({ length: 201 }, (_, i) => `ntf_${i}`);
    expectValidation(await call(up, "POST", `${API}/notifications/retry`, { ids: many }), ["body.ids"]);
  });

  it("does not retry another organization's dead letter", async () => {
    const letter = await deadLetter("not theirs");
    const other = await otherOrganization(up, "Other org 2");
    const res = await call(up, "POST", `${API}/notifications/retry`, { ids: [letter] }, other.headers);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ retried: [] });
    expect((await deliveries("status=failed")).map((d) => d.id)).toContain(letter);
  });
});
