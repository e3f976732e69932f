import { describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests, useReceiver } from "../../test/chat-channels.ts";
import { matrixChannel } from "./matrix.ts";

interface MatrixBody {
  msgtype: string;
  body: string;
  format: string;
  formatted_body: string;
  "m.mentions": Record<string, unknown>;
}

const ROOM = "!AbCdEf123:matrix.example.org";
const TOKEN = "syt_dXBibGl0_abcdefghijklmnop_0A1B2C";

describe("matrix channel", () => {
  const receiver = useReceiver();
  const settings = (origin: string) => ({
    config: { homeserverUrl: `${origin}/`, roomId: ROOM },
    secrets: { accessToken: TOKEN },
  });

  async function deliver(overrides: Parameters<typeof sampleMessage>[0] = {}) {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(200, JSON.stringify({ event_id: "$ev1" }), { "content-type": "application/json" });
    const outcome = await matrixChannel.send(sampleMessage(overrides), testContext(config, secrets));
    const [request] = await receiver().waitFor(1);
    return { outcome, request: request!, body: request!.json as MatrixBody };
  }

  it("PUTs an m.room.message with the notification id as transaction id", async () => {
    const { outcome, request, body } = await deliver();
    expect(outcome).toEqual({ ok: true, statusCode: 200, detail: "event_id $ev1" });
    expect(request.method).toBe("PUT");
    expect(request.path).toBe(
      "/_matrix/client/v3/rooms/!AbCdEf123%3Amatrix.example.org/send/m.room.message/ntf_01jdx0000000000000000000000",
    );
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(body).toEqual({
      msgtype: "m.text",
      format: "org.matrix.custom.html",
      "m.mentions": {},
      body: [
        "🔴 DOWN: Checkout API",
        "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
        "Cause: status is 503, expected one of [200]",
        "Monitor: http https://shop.example.com/health",
        "Organization: Acme",
        "Open monitor: https://upblit.example.com/monitors/mon_01jdx0000000000000000000000",
        "Acknowledge: https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc",
        "Runbook: https://wiki.example.com/runbooks/checkout",
      ].join("\n"),
      formatted_body: [
        "<p><strong>🔴 DOWN: Checkout API</strong></p>",
        "<p>Checkout API is down since 2026-11-22 10:00:00 UTC (was up).<br>",
        "Cause: status is 503, expected one of [200]<br>",
        "Monitor: http https://shop.example.com/health<br>",
        "Organization: Acme</p>",
        '<p><a href="https://upblit.example.com/monitors/mon_01jdx0000000000000000000000">Open monitor</a> · ',
        '<a href="https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc">Acknowledge</a> · ',
        '<a href="https://wiki.example.com/runbooks/checkout">Runbook</a></p>',
      ].join(""),
    });
  });

  it("sends the same transaction id again for the same notification, so a re-send is one event", async () => {
    const { config, secrets } = settings(receiver().origin);
    const ctx = testContext(config, secrets);
    await matrixChannel.send(sampleMessage(), ctx);
    await matrixChannel.send(sampleMessage(), ctx);
    await matrixChannel.send(sampleMessage({ notificationId: "ntf_other" }), ctx);
    const paths = (await receiver().waitFor(3)).map((request) => request.path.split("/").at(-1));
    expect(paths).toEqual([
      "ntf_01jdx0000000000000000000000",
      "ntf_01jdx0000000000000000000000",
      "ntf_other",
    ]);
  });

  it("keeps a homeserver sub-path and encodes a room id that would break the path", async () => {
    const origin = receiver().origin;
    const ctx = testContext(
      { homeserverUrl: `${origin}/matrix`, roomId: "!a/b?c#d:example.org" },
      { accessToken: TOKEN },
    );
    await matrixChannel.send(sampleMessage(), ctx);
    const [request] = await receiver().waitFor(1);
    expect(request!.path).toBe(
      "/matrix/_matrix/client/v3/rooms/!a%2Fb%3Fc%23d%3Aexample.org/send/m.room.message/ntf_01jdx0000000000000000000000",
    );
  });

  it("words a recovery with its duration and marks a drill", async () => {
    const { body } = await deliver({
      event: "up",
      state: "up",
      previousState: "down",
      cause: null,
      acknowledgeUrl: null,
      drill: true,
      incident: {
        id: "inc_1",
        startedAt: "2026-11-22T10:00:00.000Z",
        resolvedAt: null,
        durationMs: 7_260_000,
      },
    });
    expect(body.body.split("\n")[0]).toBe("[DRILL] 🟢 UP: Checkout API");
    expect(body.body).toContain("It was down for 2 h 1 min.");
    expect(body.formatted_body).toContain("This is a DRILL");
    expect(body.body).not.toContain("Acknowledge");
  });

  it("HTML-escapes user text, mentions nobody and drops non-http links", async () => {
    const { body } = await deliver({
      monitor: { ...sampleMessage().monitor, name: HOSTILE_NAME },
      cause: '@room <a href="https://evil.example">x</a> & <img src=x onerror=alert(1)>',
      runbookUrl: "javascript:alert(1)",
    });
    expect(body["m.mentions"]).toEqual({});
    expect(body.formatted_body).toContain(
      "<strong>🔴 DOWN: &lt;b&gt;@\u200beveryone *x* &lt;!channel&gt;</strong>",
    );
    expect(body.formatted_body).toContain(
      "Cause: @\u200broom &lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt; &amp; &lt;img src=x onerror=alert(1)&gt;",
    );
    expect(body.body).toContain(`🔴 DOWN: <b>@\u200beveryone *x* <!channel>`);
    expect(body.body).not.toContain("@room");
    expect(JSON.stringify(body)).not.toContain("javascript:");
  });

  it("reports the Matrix error code, without retrying a bad token", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(
      401,
      JSON.stringify({ errcode: "M_UNKNOWN_TOKEN", error: "Invalid access token passed." }),
      {
        "content-type": "application/json",
      },
    );
    const outcome = await matrixChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      statusCode: 401,
      error: "Matrix 401: M_UNKNOWN_TOKEN Invalid access token passed.",
    });
  });

  it("takes the wait from retry_after_ms when a 429 has no Retry-After header", async () => {
    const { config, secrets } = settings(receiver().origin);
    receiver().answer(
      429,
      JSON.stringify({ errcode: "M_LIMIT_EXCEEDED", error: "Too many requests", retry_after_ms: 2500 }),
      { "content-type": "application/json" },
    );
    const outcome = await matrixChannel.send(sampleMessage(), testContext(config, secrets));
    expect(outcome).toMatchObject({ ok: false, retryable: true, statusCode: 429, retryAfterMs: 2500 });
  });

  it("validates the room id and the token", () => {
    const config = (roomId: string) =>
      matrixChannel.config.safeParse({ homeserverUrl: "https://matrix.example.org", roomId }).success;
    expect(config("!abc:example.org")).toBe(true);
    expect(config("#alias:example.org")).toBe(false);
    expect(config("!abc def:example.org")).toBe(false);
    expect(matrixChannel.config.safeParse({ homeserverUrl: "gopher://x", roomId: "!a:b" }).success).toBe(
      false,
    );
    expect(matrixChannel.secrets.safeParse({ accessToken: "syt_x" }).success).toBe(true);
    expect(matrixChannel.secrets.safeParse({ accessToken: "a\r\nX-Injected: 1" }).success).toBe(false);
  });

  outcomeMappingTests(matrixChannel, settings, receiver);
});
