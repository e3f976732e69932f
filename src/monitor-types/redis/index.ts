import { z } from "zod";
import type { CheckSpec } from "../../domain/monitor.ts";
import { Password, PlainName, passwordSecrets, TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { probeRedis, REDIS_COMMANDS, type RedisCheckSpec } from "./probe.ts";

export const RedisBlock = z.strictObject({
  username: PlainName(256).optional(),
  password: Password.optional(),
  database: z.number().int().min(0).max(1024).default(0),
  command: z.enum(REDIS_COMMANDS).default("PING"),
  args: z.array(z.string().max(1024)).max(3).default([]),
  tls: TlsSwitch,
  verifyTls: VerifyTls,
});

/** A Redis login and one read-only command, PING by default (README.md). */
export const redis = defineMonitorType<CheckSpec & RedisCheckSpec>({
  type: "redis",
  summary: "Connects to Redis, logs in and runs one read-only command (PING by default); reports its reply.",
  target: HostPort,
  settings: { redis: RedisBlock },
  probe: probeRedis,
  subjects: [
    "latency.total",
    "latency.dns",
    "latency.connect",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "redis.version",
    "redis.reply",
    "redis.commandMs",
  ],
  impliedAssertions: () => [],
  secrets: passwordSecrets("redis"),
});
