import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { buildApp } from "./api/app.ts";
import type { Config } from "./config/load.ts";
import { Evaluator } from "./evaluator/evaluator.ts";
import { type Clock, systemClock } from "./lib/clock.ts";
import { deriveKeys, loadMasterSecret } from "./lib/keys.ts";
import type { Logger } from "./lib/logger.ts";
import { VERSION } from "./lib/version.ts";
import { closeBrowsers, findBrowserExecutable } from "./monitor-types/browser/browser-pool.ts";
import { judgeObservation, PROBE_THREAD_ENTRY, runProbe } from "./monitor-types/run.ts";
import { CHANNEL_ADAPTERS } from "./notify/channels/index.ts";
import { Dispatcher } from "./notify/dispatcher.ts";
import { startNotifier } from "./notify/notifier.ts";
import { createOutbound } from "./notify/outbound.ts";
import { channelSender } from "./notify/send.ts";
import { NoticeSender } from "./notify/subscription-notices.ts";
import { Canary } from "./probe/canary.ts";
import { ProbePresence } from "./probe/presence.ts";
import { createSafeFetch } from "./probe/safe-fetch.ts";
import { ProbeThreads } from "./probe/threads.ts";
import type { Probe } from "./probe/types.ts";
import { startProbeWorker } from "./probe/worker.ts";
import type { JobPayloads } from "./queue/catalog.ts";
import { observeEnqueued } from "./queue/observed.ts";
import type { Consumer } from "./queue/queue.ts";
import { openTransport } from "./queue/transport.ts";
import { startSchedulerRole } from "./scheduler/role.ts";
import { createSetupLink } from "./services/accounts/setup.ts";
import type { Runtime } from "./services/context.ts";
import { InFlight } from "./services/in-flight.ts";
import { createMailer } from "./services/mail/mailer.ts";
import { UpblitMetrics } from "./services/metrics/metrics.ts";
import { sealCheckJobs } from "./services/monitors/sealed-check-jobs.ts";
import { sealStoredMonitorSecrets } from "./services/monitors/secrets.ts";
import { openRateLimits, type RateLimits } from "./services/rate-limit/limiter.ts";
import { type RateLimitSettings, withApiLimits } from "./services/rate-limit/settings.ts";
import { PRESENCE_EVERY_MS, PRESENCE_STALE_MS, processPresence } from "./services/regions/presence.ts";
import { prepareStatusDrafts } from "./services/status-incidents/drafts.ts";
import { serveSnapshots } from "./storage/backup/control.ts";
import { migrateToLatest, openDatabase } from "./storage/db.ts";

export interface Running {
  rt: Runtime;
  app: FastifyInstance | undefined;
  evaluator: Evaluator | undefined;
  /** The first-run setup link, while nobody has an account yet. */
  setupUrl: string | undefined;
  /** The address the API listens on, e.g. http://127.0.0.1:3000. */
  url: string | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  probe?: Probe;
  /** How often the notifier polls its outbox (tests use a short one). */
  notifierPollMs?: number;
  /** Skip binding a port (tests that use app.inject). */
  listen?: boolean;
  /** Rate limits other than the defaults in services/rate-limit/settings.ts (tests). */
  rateLimits?: RateLimitSettings;
  /** How often the scheduler sweeps heartbeat deadlines and lost checks (default 5 s; tests use a short one). */
  heartbeatSweepMs?: number;
  /** How often a probe records its presence (default PRESENCE_EVERY_MS; tests use a short one). */
  presenceEveryMs?: number;
  /** How often the scheduler looks for regions without a live probe (default 15 s). */
  regionWatchMs?: number;
}

export const SETUP_LINK_MESSAGE = "No account yet: open setupUrl to create the owner";

/** Deadline of one delivery attempt to a channel. */
const NOTIFY_TIMEOUT_MS = 10_000;

/** Deadline of one request to an identity provider (single sign-on). */
const SSO_TIMEOUT_MS = 10_000;

/**
 * Starts the roles named in config.roles in this process: database and migrations first, then
 * evaluator, probe, scheduler, notifier and the API. `stop()` reverses it within the deadline.
 */
export async function startUpblit(config: Config, log: Logger, options: StartOptions = {}): Promise<Running> {
  const lifecycle = log.child({ category: "lifecycle" });
  const db = await openDatabase(config.db);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) lifecycle.info({ applied }, "migrations applied");
  // `upblit backup` asks for a consistent copy of the embedded database over the data folder's socket.
  const snapshots =
    config.db.driver === "pglite" && config.db.dataDir !== "memory://"
      ? await serveSnapshots(db, config.db.dataDir, lifecycle)
      : undefined;
  const keys = deriveKeys(loadMasterSecret(config.auth.secretKey, config.dataDir));
  const sealed = await sealStoredMonitorSecrets({ db, keys });
  if (sealed > 0) lifecycle.info({ monitors: sealed }, "monitor secrets sealed");

  const clock = options.clock ?? systemClock;
  const transport = await openTransport(
    { redis: config.redis, sharedDatabase: config.db.driver === "postgres" },
    log.child({ category: "queue" }),
  ).catch(async (err: unknown) => {
    // Nothing else is running yet: give back the database (and the data folder's socket) and fail.
    await snapshots?.close();
    await db.destroy();
    throw err;
  });
  const { bus } = transport;
  // Check jobs carry opened secrets; in Redis they are sealed until a probe takes them.
  const baseQueue =
    transport.kind === "redis"
      ? sealCheckJobs(transport.queue, keys.encryption, (monitorId) =>
          log
            .child({ category: "probe" })
            .warn(
              { monitorId },
              "a check job's secret did not open: is SECRET_KEY the same in every process?",
            ),
        )
      : transport.queue;
  const metrics = new UpblitMetrics(db, baseQueue, config.region);
  // Metrics see every judged check on its way to the evaluator. The name decides the payload's
  // type (the catalog), which TypeScript cannot narrow through a generic: hence the cast.
  const queue = observeEnqueued(baseQueue, (name, payload) => {
    if (name === "check.result") metrics.observeResult(payload as JobPayloads["check.result"]);
  });
  const rt: Runtime = {
    db,
    clock,
    log,
    queue,
    bus,
    inFlight: new InFlight(),
    region: config.region,
    limits: config.limits,
    keys,
    mailer: createMailer(config.mail, log),
    auth: { publicUrl: config.auth.publicUrl, sessionMaxDays: config.auth.sessionMaxDays },
    certificates: config.certificates,
    statusPages: config.statusPages,
  };
  const roles = config.roles;
  const consumers: Consumer[] = [];

  // This process's presence (services/regions/presence.ts): its row in `processes`, renewed every
  // 5 s, lists it in GET /system/processes and, with the probe role, makes its region live from
  // the first beat, before it takes a check.
  const me = processPresence(db, { roles: [...roles], region: config.region, version: VERSION }, () =>
    clock.now(),
  );
  const presence = new ProbePresence({
    region: config.region,
    beat: me.beat,
    leave: me.stop,
    clock,
    log: log.child({ category: roles.has("probe") ? "probe" : "lifecycle" }),
    everyMs: options.presenceEveryMs ?? PRESENCE_EVERY_MS,
    staleMs: PRESENCE_STALE_MS,
  });
  await presence.start();

  let evaluator: Evaluator | undefined;
  if (roles.has("evaluator")) {
    evaluator = new Evaluator(rt, {
      retention: config.retention,
      vacuumEveryMs: config.db.driver === "pglite" ? 5 * 60_000 : undefined,
      followUpEveryMs: config.notify.followUpEveryMs,
      onStored: (count, seconds) => metrics.observeStored(count, seconds),
      ackAfterWrite: transport.kind === "redis",
    });
    const running = evaluator;
    metrics.watchBuffered(() => running.pending);
    evaluator.start();
  }

  const browserExecutable = findBrowserExecutable(config.probe.browser.executable);
  const probeOptions = {
    allowPrivateTargets: config.probe.allowPrivateTargets,
    maxBodyBytes: config.probe.maxBodyBytes,
    userAgent: "Upblit/0.1 (+https://upblit.dev)",
    browser: { executable: browserExecutable, concurrency: config.probe.browser.concurrency },
  };
  let probeConsumer: Consumer | undefined;
  let probeThreads: ProbeThreads | undefined;
  if (roles.has("probe")) {
    if (!options.probe && config.probe.threads > 0) {
      probeThreads = new ProbeThreads(
        config.probe.threads,
        log.child({ category: "probe" }),
        PROBE_THREAD_ENTRY,
      );
    }
    const probe = options.probe ?? probeThreads?.probe ?? runProbe;
    const probeLog = log.child({ category: "probe" });
    const canary = config.probe.canaryTarget
      ? Canary.fromTarget(config.probe.canaryTarget, probe, probeOptions, clock, probeLog)
      : undefined;
    probeConsumer = startProbeWorker({
      queue,
      probe,
      judge: judgeObservation,
      options: probeOptions,
      canary,
      inFlight: rt.inFlight,
      clock,
      log: probeLog,
      concurrency: config.probe.concurrency,
      region: config.region,
    });
  }

  const schedulerRole = roles.has("scheduler")
    ? await startSchedulerRole(rt, queue, {
        region: config.region,
        probeConcurrency: config.probe.concurrency,
        lostCheckGraceMs: config.lostCheckGraceMs,
        processId: me.id,
        clock,
        log: log.child({ category: "scheduler" }),
        heartbeatSweepMs: options.heartbeatSweepMs,
        regionWatchMs: options.regionWatchMs,
      })
    : undefined;

  const outbound = createOutbound({
    allowPrivate: config.probe.allowPrivateTargets,
    userAgent: "Upblit/0.1 (+https://upblit.dev)",
  });
  // An attempt must end well inside its claim, or a live notifier's delivery could be claimed again.
  const timeoutMs = Math.min(NOTIFY_TIMEOUT_MS, config.notify.leaseMs / 2);
  const notify = {
    adapters: CHANNEL_ADAPTERS,
    outbound,
    timeoutMs,
    allowPrivate: config.probe.allowPrivateTargets,
  };
  const send = channelSender(notify);
  let dispatcher: Dispatcher | undefined;
  let noticeSender: NoticeSender | undefined;
  if (roles.has("notifier")) {
    dispatcher = new Dispatcher(rt, {
      ...notify,
      concurrency: config.notify.concurrency,
      leaseMs: config.notify.leaseMs,
      pollMs: options.notifierPollMs ?? 1_000,
      soleNotifier: config.db.driver === "pglite",
      log: log.child({ category: "notify" }),
    });
    dispatcher.start();
    // The evaluator of this process claims its fresh outbox rows for this dispatcher.
    rt.handover = dispatcher;
    // Mail to status page subscribers, from its own outbox (src/notify/subscription-notices.ts).
    noticeSender = new NoticeSender(rt, {
      batch: config.notify.concurrency,
      leaseMs: config.notify.leaseMs,
      pollMs: options.notifierPollMs ?? 1_000,
      outbound,
      timeoutMs,
      log: log.child({ category: "notify" }),
    });
    noticeSender.start();
    consumers.push(
      startNotifier(
        queue,
        log,
        () => dispatcher?.wake(),
        (change) => prepareStatusDrafts(rt, change),
      ),
    );
  }

  // First run (logged before the port opens, so whoever sees /readyz can find it):
  // whoever opens this link creates the owner account and the first organization.
  const setupUrl = roles.has("api") ? await createSetupLink(rt) : undefined;
  if (setupUrl) lifecycle.warn({ setupUrl }, SETUP_LINK_MESSAGE);

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  let rateLimits: RateLimits | undefined;
  if (roles.has("api")) {
    rateLimits = await openRateLimits({
      redisUrl: config.redis?.url,
      log: log.child({ category: "api" }),
      settings: options.rateLimits ?? withApiLimits(config.apiRateLimits),
    });
    app = await buildApp(
      {
        rt,
        rateLimits,
        auth: {
          publicUrl: config.auth.publicUrl,
          secureCookies: config.auth.publicUrl.startsWith("https://"),
          sessionMaxDays: config.auth.sessionMaxDays,
        },
        trustProxy: config.http.trustProxy,
        webRoot: config.web.root,
        notify: { ...notify, send },
        sso: {
          fetch: createSafeFetch({
            allowPrivate: config.probe.allowPrivateTargets,
            timeoutMs: SSO_TIMEOUT_MS,
            userAgent: probeOptions.userAgent,
          }),
          allowHttpIssuer: config.probe.allowPrivateTargets,
        },
        runCheck: (spec) => (options.probe ?? probeThreads?.probe ?? runProbe)(spec, probeOptions),
        probes: { lostCheckGraceMs: config.lostCheckGraceMs },
        capabilities: { browser: browserExecutable !== undefined },
        limits: {
          minIntervalSeconds: config.limits.minIntervalSeconds,
          bodyLimitBytes: config.http.bodyLimitBytes,
        },
        metrics: { registry: metrics, token: config.metrics.token },
        probeStatus: roles.has("probe") ? () => presence.status() : undefined,
        isReady: async () => {
          try {
            await sql`select 1`.execute(db);
            return true;
          } catch {
            return false;
          }
        },
      },
      log,
    );
    if (options.listen !== false) {
      url = await app.listen({ port: config.http.port, host: config.http.host });
      lifecycle.info({ url, docs: `${url}/api/docs` }, "Upblit is listening");
    } else {
      await app.ready();
    }
  }

  lifecycle.info({ roles: [...roles], region: config.region, process: me.id }, "roles started");

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const deadline = config.shutdownTimeoutMs;
      lifecycle.info({ deadlineMs: deadline }, "stopping: no new checks, finishing in-flight ones");
      await schedulerRole?.stop();
      const finished = await probeConsumer?.stop(deadline);
      if (finished === false) lifecycle.warn("in-flight checks did not finish before the deadline");
      await probeThreads?.close();
      await closeBrowsers();
      // Marked stopped at once, so its region does not count this probe live after it.
      await presence.stop();
      await evaluator?.stop(deadline);
      for (const c of consumers) await c.stop(deadline);
      rt.handover = undefined;
      await dispatcher?.stop(deadline);
      await noticeSender?.stop();
      await app?.close();
      await rateLimits?.close();
      await queue.close();
      await bus.close?.();
      await snapshots?.close();
      await db.destroy();
      lifecycle.info("stopped");
    })();
    return stopping;
  };

  return { rt, app, evaluator, setupUrl, url, stop };
}
