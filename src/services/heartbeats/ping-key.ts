import { createHash } from "node:crypto";
import { decryptSecret, encryptSecret } from "../../lib/keys.ts";
import { newPingKey, PING_KEY } from "../../monitor-types/heartbeat/settings.ts";
import {
  findOrganizationByPingKeyHash,
  findPingKey,
  storePingKey,
} from "../../storage/repos/ping-keys.repo.ts";
import { audit } from "../audit/record.ts";
import type { Ctx, Runtime } from "../context.ts";

/**
 * The organization's ping key, for the heartbeats' readable ping URL `/ping/{ping key}/{slug}`
 * (docs/heartbeats.md). Stored twice: its SHA-256, which the ping endpoint looks up, and the key
 * sealed like other secrets, so members can copy it into their jobs as they copy ping tokens.
 */
export interface PingKeyView {
  pingKey: string | null;
  createdAt: Date | null;
}

const hashOf = (key: string) => createHash("sha256").update(key).digest("hex");

export async function getPingKey(ctx: Ctx): Promise<PingKeyView> {
  const row = await findPingKey(ctx.db, ctx.organizationId);
  if (!row?.ping_key_sealed) return { pingKey: null, createdAt: null };
  return {
    pingKey: decryptSecret(ctx.keys.encryption, row.ping_key_sealed),
    createdAt: row.ping_key_created_at,
  };
}

/** Makes a new ping key, replacing the old one (whose URLs stop working at once). Audited. */
export async function rotatePingKey(ctx: Ctx): Promise<{ pingKey: string; createdAt: Date }> {
  const pingKey = newPingKey();
  const createdAt = new Date(ctx.clock.now());
  await ctx.db.transaction().execute(async (tx) => {
    const had = (await findPingKey(tx, ctx.organizationId))?.ping_key_sealed != null;
    await storePingKey(tx, ctx.organizationId, {
      hash: hashOf(pingKey),
      sealed: encryptSecret(ctx.keys.encryption, pingKey),
      at: createdAt,
    });
    await audit(tx, ctx, {
      action: had ? "organization.ping_key_rotate" : "organization.ping_key_create",
      target: { type: "organization", id: ctx.organizationId },
    });
  });
  return { pingKey, createdAt };
}

/** The organization a ping key belongs to; undefined for a key no organization has. */
export async function organizationOfPingKey(rt: Runtime, key: string): Promise<string | undefined> {
  if (!PING_KEY.test(key)) return undefined;
  return findOrganizationByPingKeyHash(rt.db, hashOf(key));
}
