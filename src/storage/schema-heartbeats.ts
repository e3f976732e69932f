import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type PingKind = "success" | "start" | "fail" | "log" | "exit";

/** One ping a heartbeat monitor received (migration 0013). */
export interface HeartbeatPingsTable {
  id: string;
  organization_id: string;
  monitor_id: string;
  kind: PingKind;
  exit_status: number | null;
  at: Timestamp;
  rid: string | null;
  method: string;
  source_ip: string | null;
  user_agent: string | null;
  body: Generated<string>;
  body_bytes: Generated<number>;
  duration_ms: number | null;
  finished_at: Timestamp | null;
}

/** A deadline of a heartbeat monitor that a sweep judged (migration 0013). */
export interface HeartbeatJudgementsTable {
  monitor_id: string;
  deadline_at: Timestamp;
}

/** The tables of migration 0013, merged into Database. */
export interface HeartbeatTables {
  heartbeat_pings: HeartbeatPingsTable;
  heartbeat_judgements: HeartbeatJudgementsTable;
}
