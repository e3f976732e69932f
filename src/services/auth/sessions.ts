import { isRole, ROLE_PERMISSIONS, type Role } from "../../domain/permissions.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import type { Actor, Origin, Runtime, UserCtx } from "../context.ts";
import { ACCESS_TTL_SECONDS, signToken, verifyToken } from "./access-tokens.ts";
import { hashToken, newSecretToken } from "./secrets.ts";

/** A refresh token unused for this long expires even inside the session's lifetime. */
const REFRESH_IDLE_DAYS = 14;
/**
 * Two tabs may refresh with the same token at once. Within this many ms of its first use, a
 * reused token gets a fresh one instead of revoking the family; after it, reuse means theft.
 */
export const REFRESH_REUSE_GRACE_MS = 10_000;
const DAY = 86_400_000;

export interface SessionTokens {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

/** Starts a session (a refresh-token family) for a person who proved who they are. */
export async function createSession(
  rt: Runtime,
  user: { id: string; organizationId: string | null },
  origin: Origin | undefined,
  /** A session made by single sign-on stays in the provider's organization (switch refused). */
  sso?: { organizationId: string },
): Promise<SessionTokens> {
  const now = rt.clock.now();
  const sessionId = newId("ses");
  const refreshToken = newSecretToken();
  await rt.db.transaction().execute(async (tx) => {
    await tx
      .insertInto("sessions")
      .values({
        id: sessionId,
        user_id: user.id,
        organization_id: user.organizationId,
        ip: origin?.ip ?? null,
        user_agent: origin?.userAgent?.slice(0, 300) ?? null,
        created_at: new Date(now),
        last_seen_at: new Date(now),
        expires_at: new Date(now + rt.auth.sessionMaxDays * DAY),
        sso_organization_id: sso?.organizationId ?? null,
      })
      .execute();
    await insertRefreshToken(tx, sessionId, refreshToken, now);
  });
  return issue(rt, user.id, sessionId, refreshToken, now);
}

/**
 * Trades a refresh token for a new pair. The old token is spent; using a spent token again after
 * the grace period revokes the whole session, because only a copy can explain it.
 */
export async function refreshSession(rt: Runtime, refreshToken: string): Promise<SessionTokens> {
  const now = rt.clock.now();
  const next = newSecretToken();
  const outcome = await rt.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("refresh_tokens as r")
      .innerJoin("sessions as s", "s.id", "r.session_id")
      .select([
        "r.token_hash",
        "r.used_at",
        "r.expires_at",
        "s.id as session_id",
        "s.user_id",
        "s.revoked_at",
      ])
      .select("s.expires_at as session_expires_at")
      .where("r.token_hash", "=", hashToken(refreshToken))
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.revoked_at || row.session_expires_at.getTime() <= now) return { ok: false as const };
    if (row.used_at) {
      if (now - row.used_at.getTime() > REFRESH_REUSE_GRACE_MS) {
        await revokeSessionRows(tx, { sessionIds: [row.session_id] }, "refresh token reused", now);
        return { ok: false as const, reused: true };
      }
    } else if (row.expires_at.getTime() <= now) {
      return { ok: false as const };
    } else {
      await tx
        .updateTable("refresh_tokens")
        .set({ used_at: new Date(now) })
        .where("token_hash", "=", row.token_hash)
        .execute();
    }
    await insertRefreshToken(tx, row.session_id, next, now);
    await tx
      .updateTable("sessions")
      .set({ last_seen_at: new Date(now) })
      .where("id", "=", row.session_id)
      .execute();
    return { ok: true as const, sessionId: row.session_id, userId: row.user_id };
  });
  if (!outcome.ok) {
    if ("reused" in outcome) rt.log.warn({ category: "api" }, "refresh token reused: session revoked");
    throw new AppError("UNAUTHENTICATED", "The refresh token is not valid");
  }
  return issue(rt, outcome.userId, outcome.sessionId, next, now);
}

export interface Authenticated {
  user: { id: string; email: string; sessionId: string };
  /** The organization the session acts in, with the person's role there; null when none. */
  membership: { organizationId: string; role: Role } | null;
}

/**
 * Resolves an access token against the database on every request, so a revoked session, a
 * changed role or a removal takes effect on the very next request.
 */
export async function authenticateAccessToken(rt: Runtime, token: string): Promise<Authenticated> {
  const claims = await verifyToken(rt.keys.jwt, "access", token, rt.clock.now());
  const row = await rt.db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .leftJoin("memberships as m", (join) =>
      join.onRef("m.organization_id", "=", "s.organization_id").onRef("m.user_id", "=", "s.user_id"),
    )
    .select(["s.id", "s.user_id", "s.organization_id", "s.revoked_at", "s.expires_at", "u.email", "m.role"])
    .where("s.id", "=", claims.sid)
    .executeTakeFirst();
  if (!row || row.user_id !== claims.sub || row.revoked_at || row.expires_at.getTime() <= rt.clock.now()) {
    throw new AppError("UNAUTHENTICATED", "The session has ended; sign in again");
  }
  const role = row.role && isRole(row.role) ? row.role : null;
  return {
    user: { id: row.user_id, email: row.email, sessionId: row.id },
    membership: row.organization_id && role ? { organizationId: row.organization_id, role } : null,
  };
}

export function userActor(a: Authenticated & { membership: { role: Role } }): Actor {
  return {
    kind: "user",
    userId: a.user.id,
    email: a.user.email,
    sessionId: a.user.sessionId,
    role: a.membership.role,
    permissions: ROLE_PERMISSIONS[a.membership.role],
  };
}

export interface SessionView {
  id: string;
  current: boolean;
  organizationId: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function listSessions(ctx: UserCtx): Promise<SessionView[]> {
  const rows = await ctx.db
    .selectFrom("sessions")
    .selectAll()
    .where("user_id", "=", ctx.user.id)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", new Date(ctx.clock.now()))
    .orderBy("id", "desc")
    .limit(200)
    .execute();
  return rows.map((s) => ({
    id: s.id,
    current: s.id === ctx.user.sessionId,
    organizationId: s.organization_id,
    ip: s.ip,
    userAgent: s.user_agent,
    createdAt: s.created_at,
    lastSeenAt: s.last_seen_at,
    expiresAt: s.expires_at,
  }));
}

/** Ends sessions: by id, every session of some users, or only those acting in one organization. */
export async function revokeSessionRows(
  db: Db,
  which: {
    sessionIds?: string[];
    userIds?: string[];
    organizationId?: string;
    exceptSessionId?: string | null;
  },
  reason: string,
  nowMs: number,
): Promise<number> {
  let q = db
    .updateTable("sessions")
    .set({ revoked_at: new Date(nowMs), revoked_reason: reason })
    .where("revoked_at", "is", null);
  if (which.sessionIds) q = q.where("id", "in", which.sessionIds.length ? which.sessionIds : [""]);
  if (which.userIds) q = q.where("user_id", "in", which.userIds.length ? which.userIds : [""]);
  if (which.organizationId) q = q.where("organization_id", "=", which.organizationId);
  if (which.exceptSessionId) q = q.where("id", "!=", which.exceptSessionId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

async function insertRefreshToken(db: Db, sessionId: string, token: string, now: number): Promise<void> {
  await db
    .insertInto("refresh_tokens")
    .values({
      token_hash: hashToken(token),
      session_id: sessionId,
      created_at: new Date(now),
      expires_at: new Date(now + REFRESH_IDLE_DAYS * DAY),
    })
    .execute();
}

async function issue(rt: Runtime, userId: string, sessionId: string, refreshToken: string, now: number) {
  const accessToken = await signToken(rt.keys.jwt, "access", { sub: userId, sid: sessionId }, now);
  return { sessionId, accessToken, refreshToken, expiresIn: ACCESS_TTL_SECONDS };
}
