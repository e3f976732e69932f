/**
 * `mqtt`: connect to an MQTT broker (3.1.1), authenticate, and optionally make a publish/subscribe
 * round trip on a topic. Target `host[:port]` (1883, or 8883 with TLS).
 * Facts: with a topic, `mqtt.roundTripMs` (publish to delivery back).
 */
import { randomBytes } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { readCertificate } from "../../probe/cert-info.ts";
import { ProbeFailure } from "../../probe/probe-error.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { type ClientCheckSpec, type ClientObservation, msSince, runClientCheck } from "../client-check.ts";
import { shortText } from "../client-redact.ts";
import { sniName } from "../client-values.ts";

export const MQTT_DEFAULT_PORT = 1883;
export const MQTTS_DEFAULT_PORT = 8883;

export interface MqttSettings {
  username?: string;
  /** Write-only in the API (stored as given, like http auth); blanked out of every message. */
  password?: string;
  /** When given: subscribe, publish a unique payload (QoS 0, not retained), wait for it back. */
  topic?: string;
  /** MQTTS: TLS from the first byte (port 8883 by default). */
  tls: boolean;
  /** With `tls`, refuse an untrusted certificate (after reporting it). */
  verifyTls: boolean;
}

export type MqttCheckSpec = ClientCheckSpec & { mqtt: MqttSettings };

/** mqtt.js, loaded on the first check of this type, not at start: most servers never run one, and the library costs memory and start-up time (docs/benchmarks.md). */
let library: typeof import("mqtt") | undefined;

export async function probeMqtt(spec: MqttCheckSpec, options: ProbeOptions): Promise<ClientObservation> {
  library ??= await import("mqtt");
  const mqtt = library.default;
  const settings = spec.mqtt;
  const defaultPort = settings.tls ? MQTTS_DEFAULT_PORT : MQTT_DEFAULT_PORT;
  let cert: ClientObservation["cert"];
  const run = runClientCheck(spec, options, defaultPort, [settings.password], async (ctx) => {
    const { target, deadline, facts } = ctx;
    const client = mqtt.connect({
      protocol: settings.tls ? "mqtts" : "mqtt",
      host: target.address,
      port: target.port,
      servername: sniName(target.hostname),
      rejectUnauthorized: false,
      username: settings.username,
      password: settings.password,
      clientId: `upblit-${randomBytes(6).toString("hex")}`,
      protocolVersion: 4,
      clean: true,
      // One attempt: no reconnect, and the broker's silence ends with the deadline.
      reconnectPeriod: 0,
      connectTimeout: spec.timeoutMs,
      keepalive: 0,
    });
    ctx.onCleanup(() => client.end(true));
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", (err) => reject(asBrokerFailure(err)));
      client.once("close", () => reject(new ProbeFailure("reset", "connection closed by the broker")));
    });
    client.on("error", () => {});
    if (settings.tls) {
      cert = readCertificate(client.stream as TLSSocket, target.hostname);
      if (settings.verifyTls && cert && !(cert.chainValid && cert.hostnameMatch)) {
        throw new ProbeFailure("tls", "certificate not trusted");
      }
    }
    if (settings.topic) {
      const topic = settings.topic;
      const payload = `upblit ${randomBytes(8).toString("hex")}`;
      const delivered = new Promise<void>((resolve) => {
        client.on("message", (t, message) => {
          if (t === topic && message.toString() === payload) resolve();
        });
      });
      const granted = await client.subscribeAsync(topic, { qos: 0 });
      if (granted.some((g) => g.qos === 128))
        throw new ProbeFailure("protocol", "server: subscription refused");
      const started = deadline.elapsed();
      await client.publishAsync(topic, payload, { qos: 0, retain: false });
      await delivered;
      facts["mqtt.roundTripMs"] = msSince(deadline, started);
    }
    await client.endAsync();
  });
  return run.then((observation) => (cert ? { ...observation, cert } : observation));
}

/** A refused CONNACK (bad user name or password, not authorized) is the broker's word: protocol. */
function asBrokerFailure(err: Error): unknown {
  if (/^Connection refused/.test(err.message))
    return new ProbeFailure("protocol", shortText(`server: ${err.message}`, 200));
  return err;
}
