import { z } from "zod";
import type { CheckSpec } from "../../domain/monitor.ts";
import { Password, PlainName, passwordSecrets, TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { type NatsCheckSpec, probeNats } from "./probe.ts";

/** A subject one may publish to: dot-separated tokens, no wildcards, no spaces. */
const Subject = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s*>.]+(\.[^\s*>.]+)*$/, "must be a NATS subject without wildcards (* >) or spaces");

export const NatsBlock = z
  .strictObject({
    username: PlainName(256).optional(),
    password: Password.optional(),
    token: Password.optional(),
    request: z
      .strictObject({ subject: Subject, payload: z.string().max(4096).default("") })
      .optional()
      .meta({ description: "A request to make after logging in; its first answer is nats.reply." }),
    tls: TlsSwitch,
    verifyTls: VerifyTls,
  })
  .default({ tls: false, verifyTls: true });

/** A NATS login and PING, optionally a request and its answer (README.md). */
export const nats = defineMonitorType<CheckSpec & NatsCheckSpec>({
  type: "nats",
  summary:
    "Connects to a NATS server, logs in and pings it; optionally makes a request and reads the answer.",
  target: HostPort,
  settings: { nats: NatsBlock },
  probe: probeNats,
  subjects: [
    "latency.total",
    "latency.dns",
    "latency.connect",
    "latency.tls",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "nats.version",
    "nats.roundTripMs",
    "nats.reply",
    "nats.requestMs",
  ],
  impliedAssertions: () => [],
  secrets: passwordSecrets("nats", ["password", "token"]),
});
