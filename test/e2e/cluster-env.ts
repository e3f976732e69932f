import { randomBytes } from "node:crypto";

/** Where a multi-process test keeps its state: its database, and its Redis under its own key prefix. */
export interface ClusterStores {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

/**
 * The environment every Upblit process of a multi-process test shares (chaos, quorum-regions): the
 * test's stores, one SECRET_KEY (a process decrypts what another stored), private targets allowed
 * (the targets are on loopback), one-second intervals, info logs, a 5 s shutdown, loopback only.
 */
export function clusterEnv(stores: ClusterStores): Record<string, string> {
  return {
    DATABASE_URL: stores.databaseUrl,
    REDIS_URL: stores.redisUrl,
    REDIS_PREFIX: stores.redisPrefix,
    SECRET_KEY: randomBytes(32).toString("hex"),
    ALLOW_PRIVATE_TARGETS: "true",
    MIN_INTERVAL_SECONDS: "1",
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_SECONDS: "5",
    HOST: "127.0.0.1",
  };
}
