import type { Config } from "../config/load.ts";
import { systemClock } from "../lib/clock.ts";
import { deriveKeys, loadMasterSecret } from "../lib/keys.ts";
import { createLogger } from "../lib/logger.ts";
import { MemoryBus } from "../queue/bus.ts";
import { MemoryQueue } from "../queue/drivers/memory.ts";
import type { Runtime } from "../services/context.ts";
import { InFlight } from "../services/in-flight.ts";
import { createMailer } from "../services/mail/mailer.ts";
import { type Db, migrateToLatest, openDatabase } from "../storage/db.ts";
import { CliError } from "./run.ts";

/** What openDatabase's data-folder lock says when another process holds the folder. */
const LOCK_HELD = /is in use by process (\d+)/;

/**
 * Runs `body` with the Runtime the account services need, on the database the server uses (same
 * config, migrations applied first, as at start), and closes the database afterwards. Only log
 * lines of level warn and above reach stderr: the command's own output is for people.
 */
export async function withAdminRuntime<T>(config: Config, body: (rt: Runtime) => Promise<T>): Promise<T> {
  const db = await openForAdmin(config);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) process.stderr.write(`upblit: applied migrations ${applied.join(", ")}\n`);
    const log = createLogger("warn", process.stderr);
    const rt: Runtime = {
      db,
      clock: systemClock,
      log,
      queue: new MemoryQueue(log),
      bus: new MemoryBus(),
      inFlight: new InFlight(),
      region: config.region,
      limits: config.limits,
      keys: deriveKeys(loadMasterSecret(config.auth.secretKey, config.dataDir)),
      mailer: createMailer(config.mail, log),
      auth: { publicUrl: config.auth.publicUrl, sessionMaxDays: config.auth.sessionMaxDays },
      certificates: config.certificates,
    };
    return await body(rt);
  } finally {
    await db.destroy();
  }
}

/**
 * The embedded database is one process's: while the server runs, its data folder is locked, and
 * the command must say how to proceed instead of failing with a stack trace.
 */
async function openForAdmin(config: Config): Promise<Db> {
  try {
    return await openDatabase(config.db, { poolSize: 2 });
  } catch (err) {
    const held = err instanceof Error ? LOCK_HELD.exec(err.message) : null;
    if (config.db.driver !== "pglite" || !held) throw err;
    throw new CliError(
      1,
      `the embedded database in ${config.db.dataDir} is in use by process ${held[1]} (a running Upblit server). ` +
        "With the embedded database only one process may open it: stop the server, run this command, then start the server again. " +
        "(With DATABASE_URL set to a PostgreSQL server, admin commands run beside the server.)",
    );
  }
}
