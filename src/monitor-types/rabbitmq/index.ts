import { z } from "zod";
import type { CheckSpec } from "../../domain/monitor.ts";
import { Password, PlainName, passwordSecrets, TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { probeRabbitmq, type RabbitmqCheckSpec } from "./probe.ts";

export const RabbitmqBlock = z.strictObject({
  username: PlainName(256),
  password: Password.optional(),
  vhost: PlainName(256).default("/"),
  queue: PlainName(255).optional(),
  tls: TlsSwitch,
  verifyTls: VerifyTls,
});

/** An AMQP 0-9-1 login on a virtual host, optionally checking that a queue exists (README.md). */
export const rabbitmq = defineMonitorType<CheckSpec & RabbitmqCheckSpec>({
  type: "rabbitmq",
  summary:
    "Connects to RabbitMQ (AMQP 0-9-1), logs in on a virtual host and optionally checks that a queue exists.",
  target: HostPort,
  settings: { rabbitmq: RabbitmqBlock },
  probe: probeRabbitmq,
  subjects: [
    "latency.total",
    "latency.dns",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "rabbitmq.product",
    "rabbitmq.version",
    "rabbitmq.messages",
    "rabbitmq.consumers",
    "rabbitmq.queueMs",
  ],
  impliedAssertions: () => [],
  secrets: passwordSecrets("rabbitmq"),
});
