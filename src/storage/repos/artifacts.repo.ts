import type { Kysely, Transaction } from "kysely";
import type { Screenshot } from "../../domain/check-result.ts";
import type { Database } from "../schema.ts";

type Q = Kysely<Database> | Transaction<Database>;

export interface NewArtifact {
  organizationId: string;
  monitorId: string;
  region: string;
  slotAt: number;
  screenshot: Screenshot;
}

/** Stores screenshots of freshly stored results; a slot keeps its first (redeliveries add nothing). */
export async function insertScreenshots(tx: Q, rows: NewArtifact[], now: number): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto("check_artifacts")
    .values(
      rows.map((r) => ({
        organization_id: r.organizationId,
        monitor_id: r.monitorId,
        region: r.region,
        slot_at: new Date(r.slotAt),
        kind: "screenshot",
        mime: r.screenshot.mime,
        bytes: Buffer.from(r.screenshot.data, "base64"),
        created_at: new Date(now),
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** One screenshot of a monitor of that organization (undefined for any other's: tenant isolation). */
export async function findScreenshot(
  db: Q,
  key: { organizationId: string; monitorId: string; region: string; slotAt: Date },
): Promise<{ mime: string; bytes: Uint8Array } | undefined> {
  return db
    .selectFrom("check_artifacts")
    .select(["mime", "bytes"])
    .where("organization_id", "=", key.organizationId)
    .where("monitor_id", "=", key.monitorId)
    .where("region", "=", key.region)
    .where("slot_at", "=", key.slotAt)
    .where("kind", "=", "screenshot")
    .executeTakeFirst();
}

/** The `region|slot ISO` keys of a monitor's screenshots in a time range (to mark results that have one). */
export async function screenshotKeys(
  db: Q,
  key: { organizationId: string; monitorId: string; from: Date; to: Date },
): Promise<Set<string>> {
  const rows = await db
    .selectFrom("check_artifacts")
    .select(["region", "slot_at"])
    .where("organization_id", "=", key.organizationId)
    .where("monitor_id", "=", key.monitorId)
    .where("slot_at", ">=", key.from)
    .where("slot_at", "<=", key.to)
    .execute();
  return new Set(rows.map((r) => `${r.region}|${new Date(r.slot_at).toISOString()}`));
}

/** Deletes artifacts of slots before `before` (raw result retention). */
export async function deleteArtifactsBefore(db: Q, before: Date): Promise<number> {
  const res = await db.deleteFrom("check_artifacts").where("slot_at", "<", before).executeTakeFirst();
  return Number(res.numDeletedRows);
}
