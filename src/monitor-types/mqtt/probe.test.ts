import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaledTimeout } from "../../test/patience.ts";
import { PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { type MqttCheckSpec, type MqttSettings, probeMqtt } from "./probe.ts";

// The Mosquitto broker of this machine (docs/development.md), anonymous on 1883.
const SERVER = "127.0.0.1:1883";
const TOPIC = `upblit/probe-test/${process.pid}-${Date.now()}`;

/** A check that should succeed gets time stretched by the load; the deadline tests pass a short one. */
function spec(settings: Partial<MqttSettings> = {}, target = SERVER, timeoutMs?: number): MqttCheckSpec {
  return {
    target,
    timeoutMs: timeoutMs ?? scaledTimeout(10_000),
    mqtt: { tls: false, verifyTls: true, ...settings },
  };
}

// A second client on the topic sees what the check publishes: the round trip really went through the broker.
let watcher: mqtt.MqttClient;
const seen: string[] = [];
beforeAll(async () => {
  watcher = await mqtt.connectAsync({ host: "127.0.0.1", port: 1883, reconnectPeriod: 0 });
  await watcher.subscribeAsync(TOPIC);
  watcher.on("message", (_topic, message) => seen.push(message.toString()));
});
afterAll(async () => {
  await watcher.endAsync(true);
});

describe("probeMqtt against the real broker", () => {
  it("connects and disconnects, publishing nothing without a topic", async () => {
    const before = seen.length;
    const obs = await probeMqtt(spec(), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.facts).toBeUndefined();
    expect(seen.length).toBe(before);
  });

  it("makes a publish/subscribe round trip through the broker on the topic", async () => {
    const obs = await probeMqtt(spec({ topic: TOPIC }, "localhost:1883"), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["mqtt.roundTripMs"]).toBeGreaterThan(0);
    await expect.poll(() => seen.some((m) => m.startsWith("upblit "))).toBe(true);
  });

  it("fails when TLS is asked for and the broker speaks plain MQTT", async () => {
    const obs = await probeMqtt(spec({ tls: true }, SERVER, 2_000), PRIVATE_OK);
    expect(["tls", "reset", "timeout"]).toContain(obs.error?.kind);
  });
});

describeTargetSafety("mqtt", 1883, (target, options, timeoutMs) =>
  probeMqtt(spec({}, target, timeoutMs), options),
);
