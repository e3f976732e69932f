/** Shared tests for the HTTP channel adapters (chat, paging and push); not a test file itself. */
import { afterEach, beforeEach, expect, it } from "vitest";
import type { ChannelAdapter } from "../notify/channels/types.ts";
import { sampleMessage, testContext } from "./alerts.ts";
import { type Receiver, startReceiver } from "./receiver.ts";

/** A monitor name that tries HTML, mentions in every dialect, and markdown at once. */
export const HOSTILE_NAME = "<b>@everyone *x* <!channel>";

/** A fresh local receiver for each test of the calling `describe`. */
export function useReceiver(): () => Receiver {
  let receiver: Receiver | undefined;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver?.close();
  });
  return () => {
    if (!receiver) throw new Error("the receiver starts in beforeEach");
    return receiver;
  };
}

/**
 * The outcome mapping every HTTP adapter shares (chat, paging, push): 5xx retry, 429 waits as told, 410
 * disables, other 4xx fail for good, a receiver that never answers is a retryable timeout.
 */
export function outcomeMappingTests<C, S>(
  adapter: ChannelAdapter<C, S>,
  settings: (origin: string) => { config: C; secrets: S },
  receiver: () => Receiver,
): void {
  const send = (timeoutMs?: number) => {
    const { config, secrets } = settings(receiver().origin);
    return adapter.send(sampleMessage(), testContext(config, secrets, timeoutMs));
  };

  it("treats a 500 as retryable", async () => {
    receiver().answer(500, "internal error");
    expect(await send()).toMatchObject({ ok: false, retryable: true, statusCode: 500 });
  });

  it("waits as long as a 429 Retry-After says", async () => {
    receiver().answer(429, "", { "retry-after": "7" });
    expect(await send()).toMatchObject({ ok: false, retryable: true, statusCode: 429, retryAfterMs: 7000 });
  });

  it("disables the channel on 410 Gone", async () => {
    receiver().answer(410, "gone");
    expect(await send()).toMatchObject({ ok: false, retryable: false, disable: true, statusCode: 410 });
  });

  it("does not retry a 400", async () => {
    receiver().answer(400, "bad request");
    const outcome = await send();
    expect(outcome).toMatchObject({ ok: false, retryable: false, statusCode: 400 });
    expect(outcome).not.toHaveProperty("disable", true);
  });

  it("does not follow a redirect", async () => {
    receiver().answer(302, "", { location: "http://127.0.0.1:1/elsewhere" });
    expect(await send()).toMatchObject({ ok: false, retryable: false, statusCode: 302 });
    expect(receiver().requests).toHaveLength(1);
  });

  it("reports a receiver that never answers as a retryable timeout", async () => {
    receiver().respond(() => {});
    const outcome = await send(300);
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.ok ? "" : outcome.error).toMatch(/300 ms/);
  });
}
