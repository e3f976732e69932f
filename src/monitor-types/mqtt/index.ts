import { z } from "zod";
import type { CheckSpec } from "../../domain/monitor.ts";
import { Password, PlainName, passwordSecrets, TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { type MqttCheckSpec, probeMqtt } from "./probe.ts";

export const MqttBlock = z.strictObject({
  username: PlainName(256).optional(),
  password: Password.optional(),
  topic: PlainName(256)
    .refine(
      (t) => !/[+#]/.test(t) && !t.startsWith("$"),
      "must be a plain topic: no wildcards (+, #), not $SYS",
    )
    .optional(),
  tls: TlsSwitch,
  verifyTls: VerifyTls,
});

/** An MQTT login, optionally with a publish/subscribe round trip on a topic (README.md). */
export const mqtt = defineMonitorType<CheckSpec & MqttCheckSpec>({
  type: "mqtt",
  summary:
    "Connects to an MQTT broker and logs in; optionally publishes to a topic and waits for the message back.",
  target: HostPort,
  settings: { mqtt: MqttBlock },
  probe: probeMqtt,
  subjects: [
    "latency.total",
    "latency.dns",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "mqtt.roundTripMs",
  ],
  impliedAssertions: () => [],
  secrets: passwordSecrets("mqtt"),
});
