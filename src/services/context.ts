import type { Permission, Role } from "../domain/permissions.ts";
import type { Clock } from "../lib/clock.ts";
import type { Keys } from "../lib/keys.ts";
import type { Logger } from "../lib/logger.ts";
import type { LiveBus } from "../queue/bus.ts";
import type { JobQueue } from "../queue/queue.ts";
import type { Db } from "../storage/db.ts";
import type { DeliveryHandover } from "./alerts/handover.ts";
import type { InFlight } from "./in-flight.ts";
import type { Mailer } from "./mail/mailer.ts";

/** What every use case may touch; built once at boot (main.ts) and shared by the roles. */
export interface Runtime {
  db: Db;
  clock: Clock;
  log: Logger;
  queue: JobQueue;
  bus: LiveBus;
  inFlight: InFlight;
  region: string;
  limits: { minIntervalSeconds: number; maxMonitorsPerOrg: number };
  keys: Keys;
  mailer: Mailer;
  auth: {
    /** Where people reach Upblit; links in mail start with it. */
    publicUrl: string;
    sessionMaxDays: number;
  };
  /** Certificate expiry warnings: thresholds in days for monitors that set none. */
  certificates: { warnDays: number[] };
  /** Custom domains of status pages: the DNS server for their TXT records (system's when absent). */
  statusPages?: { domainResolver: string | undefined };
  /** This process's notifier, when it runs one: fresh outbox rows are claimed for it as they are written. */
  handover?: DeliveryHandover;
}

/** Who is asking. Resolved from the credential on every request, never cached across requests. */
export type Actor =
  | {
      kind: "user";
      userId: string;
      email: string;
      sessionId: string;
      role: Role;
      permissions: ReadonlySet<Permission>;
    }
  | {
      kind: "apiKey";
      keyId: string;
      /** The key's visible prefix, for the audit log. */
      label: string;
      createdBy: string;
      permissions: ReadonlySet<Permission>;
    }
  | { kind: "system" };

/** Where a request came from, for the audit log and rate limits. */
export interface Origin {
  ip: string;
  userAgent: string | undefined;
}

/**
 * A use case's context: the runtime plus who is asking and in which organization. The
 * organization always comes from the credential, never from a request parameter or header.
 */
export interface Ctx extends Runtime {
  organizationId: string;
  actor: Actor;
  origin?: Origin;
  requestId?: string;
}

/** A signed-in person, before or outside any organization (their own account, their sessions). */
export interface UserCtx extends Runtime {
  user: { id: string; email: string; sessionId: string | null };
  origin?: Origin;
  requestId?: string;
}
