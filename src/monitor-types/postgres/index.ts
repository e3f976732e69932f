import { z } from "zod";
import type { CheckSpec } from "../../domain/monitor.ts";
import { Password, PlainName, passwordSecrets, TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { type PostgresCheckSpec, probePostgres } from "./probe.ts";

export const PostgresBlock = z.strictObject({
  database: PlainName(63).default("postgres"),
  username: PlainName(63),
  password: Password.optional(),
  query: z.string().min(1).max(4000).optional(),
  tls: TlsSwitch,
  verifyTls: VerifyTls,
});

/** A PostgreSQL login, optionally with one read-only query (README.md). */
export const postgres = defineMonitorType<CheckSpec & PostgresCheckSpec>({
  type: "postgres",
  summary:
    "Connects to PostgreSQL and logs in; optionally runs one read-only query and reports its first value.",
  target: HostPort,
  settings: { postgres: PostgresBlock },
  probe: probePostgres,
  subjects: [
    "latency.total",
    "latency.dns",
    "latency.connect",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "postgres.version",
    "postgres.result",
    "postgres.rows",
    "postgres.queryMs",
  ],
  // The check is the login (and the query): a refusal is an observation error.
  impliedAssertions: () => [],
  secrets: passwordSecrets("postgres"),
});
