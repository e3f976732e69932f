import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { audit } from "../audit/record.ts";
import { generateProbeToken, parseProbeToken } from "../auth/api-key-format.ts";
import { hashToken, sameHash } from "../auth/secrets.ts";
import type { Ctx, Runtime } from "../context.ts";
import { assertRemoteRegion } from "./regions.ts";

export interface ProbeTokenView {
  id: string;
  name: string;
  region: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date | null;
  lastSeenIp: string | null;
  lastVersion: string | null;
}

/** Who a probe token speaks for: one region of one organization, nothing else. */
export interface ProbeCaller {
  tokenId: string;
  organizationId: string;
  region: string;
  /** Where the request came from (the probe's presence row names it). */
  ip: string;
}

/** `last_seen_*` is written at most this often per token. */
const SEEN_EVERY_MS = 10_000;

const COLUMNS = [
  "id",
  "name",
  "region",
  "lookup",
  "created_at",
  "revoked_at",
  "last_seen_at",
  "last_seen_ip",
  "last_version",
] as const;

function toView(row: {
  id: string;
  name: string;
  region: string;
  lookup: string;
  created_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
  last_seen_ip: string | null;
  last_version: string | null;
}): ProbeTokenView {
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    prefix: row.lookup,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
    lastSeenIp: row.last_seen_ip,
    lastVersion: row.last_version,
  };
}

/** Makes a token for one region; the token is returned this once, only its hash is stored. */
export async function createProbeToken(
  ctx: Ctx,
  input: { name: string; region: string },
): Promise<{ view: ProbeTokenView; token: string }> {
  await assertRemoteRegion(ctx, input.region);
  const { token, lookup } = generateProbeToken();
  const row = {
    id: newId("prt", ctx.clock.now()),
    organization_id: ctx.organizationId,
    created_by: ctx.actor.kind === "user" ? ctx.actor.userId : null,
    name: input.name,
    region: input.region,
    lookup,
    secret_hash: hashToken(token),
    created_at: new Date(ctx.clock.now()),
    revoked_at: null,
    last_seen_at: null,
    last_seen_ip: null,
    last_version: null,
  };
  await ctx.db.transaction().execute(async (tx) => {
    await tx.insertInto("probe_tokens").values(row).execute();
    await audit(tx, ctx, {
      action: "probe_token.create",
      target: { type: "probe_token", id: row.id },
      summary: { name: row.name, region: row.region, prefix: lookup },
    });
  });
  return { view: toView(row), token };
}

export async function listProbeTokens(ctx: Ctx): Promise<ProbeTokenView[]> {
  const rows = await ctx.db
    .selectFrom("probe_tokens")
    .select(COLUMNS)
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("id", "desc")
    .limit(1000)
    .execute();
  return rows.map(toView);
}

/** Revokes a token: its agents are refused from their next request (within one poll). */
export async function revokeProbeToken(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("probe_tokens")
      .select(["id", "revoked_at"])
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("probe token", id);
    if (row.revoked_at) return;
    await tx
      .updateTable("probe_tokens")
      .set({ revoked_at: new Date(ctx.clock.now()) })
      .where("id", "=", id)
      .execute();
    await audit(tx, ctx, { action: "probe_token.revoke", target: { type: "probe_token", id } });
  });
}

/**
 * Resolves a probe token (malformed ones are refused before any lookup) and notes when, from
 * where and with which version it was last used.
 */
export async function authenticateProbeToken(
  rt: Runtime,
  token: string,
  seen: { ip: string; version: string | undefined },
): Promise<ProbeCaller> {
  const parsed = parseProbeToken(token);
  if (!parsed) throw new AppError("UNAUTHENTICATED", "The probe token is malformed");
  const row = await rt.db
    .selectFrom("probe_tokens")
    .select(["id", "organization_id", "region", "secret_hash", "revoked_at", "last_seen_at", "last_version"])
    .where("lookup", "=", parsed.lookup)
    .executeTakeFirst();
  if (!row || row.revoked_at || !sameHash(row.secret_hash, hashToken(token))) {
    throw new AppError("UNAUTHENTICATED", "The probe token is not valid (revoked or unknown)");
  }
  const now = rt.clock.now();
  // A request without the agent's User-Agent (a script) keeps the version last reported.
  const version = seen.version?.slice(0, 64) ?? row.last_version;
  if (!row.last_seen_at || now - row.last_seen_at.getTime() > SEEN_EVERY_MS || version !== row.last_version) {
    await rt.db
      .updateTable("probe_tokens")
      .set({ last_seen_at: new Date(now), last_seen_ip: seen.ip, last_version: version })
      .where("id", "=", row.id)
      .execute();
  }
  return { tokenId: row.id, organizationId: row.organization_id, region: row.region, ip: seen.ip };
}
