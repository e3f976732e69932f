import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaledTimeout } from "../../test/patience.ts";
import { PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { probeRabbitmq, type RabbitmqCheckSpec, type RabbitmqSettings } from "./probe.ts";

// The RabbitMQ server of this machine (docs/development.md): guest/guest on `/`. The test makes a
// queue of its own and deletes it afterwards.
const SERVER = "127.0.0.1:5672";
const QUEUE = `upblit-probe-${process.pid}-${Date.now()}`;

/** A check that should succeed gets time stretched by the load; the deadline tests pass a short one. */
function spec(
  settings: Partial<RabbitmqSettings> = {},
  target = SERVER,
  timeoutMs?: number,
): RabbitmqCheckSpec {
  const rabbitmq = {
    username: "guest",
    password: "guest",
    vhost: "/",
    tls: false,
    verifyTls: true,
    ...settings,
  };
  return { target, timeoutMs: timeoutMs ?? scaledTimeout(10_000), rabbitmq };
}

let admin: amqp.ChannelModel;
let channel: amqp.Channel;
beforeAll(async () => {
  admin = await amqp.connect("amqp://guest:guest@127.0.0.1:5672/");
  channel = await admin.createChannel();
  await channel.assertQueue(QUEUE, { durable: false, autoDelete: false });
  channel.sendToQueue(QUEUE, Buffer.from("one"));
  channel.sendToQueue(QUEUE, Buffer.from("two"));
  // A round trip after the publishes, so both are in the queue before any test reads its depth.
  await channel.checkQueue(QUEUE);
});
afterAll(async () => {
  await channel.deleteQueue(QUEUE);
  await admin.close();
});

describe("probeRabbitmq against the real broker", () => {
  it("connects, authenticates and reports the broker's product and version", async () => {
    const obs = await probeRabbitmq(spec(), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.facts?.["rabbitmq.product"]).toBe("RabbitMQ");
    expect(obs.facts?.["rabbitmq.version"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(obs.facts?.["rabbitmq.messages"]).toBeUndefined();
  });

  it("checks that a queue exists and reports its depth and consumers", async () => {
    const obs = await probeRabbitmq(spec({ queue: QUEUE }, "localhost:5672"), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["rabbitmq.messages"]).toBe(2);
    expect(obs.facts?.["rabbitmq.consumers"]).toBe(0);
    expect(obs.facts?.["rabbitmq.queueMs"]).toBeGreaterThan(0);
  });

  it("fails when the queue does not exist, and creates nothing", async () => {
    const missing = `${QUEUE}-missing`;
    const obs = await probeRabbitmq(spec({ queue: missing }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain("NOT_FOUND");
    const probeChannel = await admin.createChannel();
    probeChannel.on("error", () => {});
    await expect(probeChannel.checkQueue(missing)).rejects.toThrow(/NOT_FOUND/);
  });

  it("fails on a wrong password in the broker's words, and never shows the password", async () => {
    const wrong = "Wr0ng-Secret-Pw";
    const obs = await probeRabbitmq(spec({ password: wrong }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toMatch(/ACCESS.REFUSED/);
    expect(JSON.stringify(obs)).not.toContain(wrong);
  });

  it("fails on an unknown virtual host", async () => {
    const obs = await probeRabbitmq(spec({ vhost: "upblit-no-such-vhost" }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
  });

  it("fails when TLS is asked for and the broker speaks plain AMQP", async () => {
    const obs = await probeRabbitmq(spec({ tls: true }, SERVER, 2_000), PRIVATE_OK);
    expect(["tls", "reset", "timeout"]).toContain(obs.error?.kind);
  });
});

describeTargetSafety("rabbitmq", 5672, (target, options, timeoutMs) =>
  probeRabbitmq(spec({}, target, timeoutMs), options),
);
