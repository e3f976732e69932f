import { pickSettings } from "../../domain/monitor.ts";
import { decryptSecret, encryptSecret, type Keys } from "../../lib/keys.ts";
import { monitorType } from "../../monitor-types/types.ts";
import type { Db } from "../../storage/db.ts";
import { listPlainSecretRows, storeSealedSettings } from "../../storage/repos/monitors.repo.ts";

/**
 * A monitor's secrets (passwords, tokens, credential headers: what its type's `secrets.map`
 * visits) are stored encrypted like channel secrets (AES-256-GCM with the key derived from the
 * master secret), each as `{ "$sealed": "v1.…" }` in place of its text. An object cannot be a
 * valid input value, so a sealed value is never mistaken for a typed one, and a row written
 * before sealing (plain text) is recognised and sealed by `sealStoredMonitorSecrets`.
 */
const SEALED = "$sealed";

interface SealedValue {
  [SEALED]: string;
}

export function isSealed(value: unknown): value is SealedValue {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>)[SEALED] === "string"
  );
}

/** The monitor (or definition) with every secret sealed; already sealed ones stay as they are. */
export function sealSecrets<T extends { type: string }>(key: Buffer, monitor: T): T {
  const map = monitorType(monitor.type)?.secrets?.map;
  if (!map) return monitor;
  const seal = (v: unknown) => (typeof v === "string" ? { [SEALED]: encryptSecret(key, v) } : v);
  return map(monitor as unknown as Record<string, unknown>, seal) as unknown as T;
}

/**
 * The monitor with every secret opened, to check with or to merge an update into. A value that
 * does not open (the master secret changed) is left out: the check fails to log in, visibly,
 * instead of the whole batch failing.
 */
export function openSecrets<T extends { type: string }>(key: Buffer, monitor: T, onFailure?: () => void): T {
  const map = monitorType(monitor.type)?.secrets?.map;
  if (!map) return monitor;
  const open = (v: unknown) => {
    if (!isSealed(v)) return v;
    try {
      return decryptSecret(key, v[SEALED]);
    } catch {
      onFailure?.();
      return undefined;
    }
  };
  return map(monitor as unknown as Record<string, unknown>, open) as unknown as T;
}

/** Whether any secret of the monitor is still stored as plain text (written before sealing). */
export function hasPlainSecrets(monitor: { type: string }): boolean {
  const map = monitorType(monitor.type)?.secrets?.map;
  if (!map) return false;
  let plain = false;
  map(monitor as unknown as Record<string, unknown>, (v) => {
    if (typeof v === "string") plain = true;
    return v;
  });
  return plain;
}

/**
 * Seals the secrets of rows written before they were sealed (migration 0017 marks them), in
 * batches; run at start, by every process (two at once only write the same row twice). Returns
 * how many rows it sealed.
 */
export async function sealStoredMonitorSecrets(rt: { db: Db; keys: Keys }, batch = 200): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await listPlainSecretRows(rt.db, batch);
    for (const row of rows) {
      const monitor = sealSecrets(rt.keys.encryption, { ...row.settings, type: row.type });
      await storeSealedSettings(rt.db, row.id, pickSettings(monitor));
    }
    sealed += rows.length;
    if (rows.length < batch) return sealed;
  }
}
