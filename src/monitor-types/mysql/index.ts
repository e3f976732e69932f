import { z } from "zod";
import type { CheckSpec } from "../../domain/monitor.ts";
import { Password, PlainName, passwordSecrets, TlsSwitch, VerifyTls } from "../client-settings.ts";
import { defineMonitorType } from "../define.ts";
import { HostPort } from "../fields.ts";
import { type MysqlCheckSpec, probeMysql } from "./probe.ts";

export const MysqlBlock = z.strictObject({
  database: PlainName(64).optional(),
  username: PlainName(80),
  password: Password.optional(),
  query: z.string().min(1).max(4000).optional(),
  tls: TlsSwitch,
  verifyTls: VerifyTls,
});

/** A MySQL/MariaDB login, optionally with one read-only query (README.md). */
export const mysql = defineMonitorType<CheckSpec & MysqlCheckSpec>({
  type: "mysql",
  summary:
    "Connects to MySQL or MariaDB and logs in; optionally runs one read-only query and reports its first value.",
  target: HostPort,
  settings: { mysql: MysqlBlock },
  probe: probeMysql,
  subjects: [
    "latency.total",
    "latency.dns",
    "latency.connect",
    "cert.daysLeft",
    "cert.hostnameMatch",
    "cert.chainValid",
    "mysql.version",
    "mysql.result",
    "mysql.rows",
    "mysql.queryMs",
  ],
  impliedAssertions: () => [],
  secrets: passwordSecrets("mysql"),
});
