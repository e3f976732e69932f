import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { LiveBus } from "../queue/bus.ts";
import type { JobQueue } from "../queue/queue.ts";
import type { Db } from "../storage/db.ts";
import type { InFlight } from "./in-flight.ts";

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
}

/**
 * A use case's context: the runtime plus who is asking. The organization always comes from here,
 * never from a request parameter. Until accounts land, the actor is the default organization's.
 */
export interface Ctx extends Runtime {
  organizationId: string;
  requestId?: string;
}
