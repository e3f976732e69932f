import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../../lib/errors.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { authenticateAccessToken } from "../auth/sessions.ts";
import type { Runtime } from "../context.ts";

/** How long a visitor stays let in after typing a page's password. */
export const PAGE_ACCESS_DAYS = 7;

/**
 * The key of page-access cookies: derived from the link-signing key under its own label, so a
 * page cookie can never be passed off as any other signed value.
 */
function accessKey(rt: Runtime): Buffer {
  return createHmac("sha256", rt.keys.links).update("upblit status page access v1").digest();
}

/** Changes whenever the password does (argon2 hashes are salted), which ends every old cookie. */
function passwordFingerprint(passwordHash: string): string {
  return createHash("sha256").update(passwordHash).digest("base64url").slice(0, 22);
}

function signature(rt: Runtime, pageId: string, expires: number, passwordHash: string): string {
  return createHmac("sha256", accessKey(rt))
    .update(`${pageId}.${expires}.${passwordFingerprint(passwordHash)}`)
    .digest("base64url");
}

/**
 * Checks a visitor's password against the page's argon2 hash and returns the value of the
 * page-scoped access cookie (`<expiry>.<hmac>`), bound to the page, its expiry and the current
 * password. A wrong password is UNAUTHENTICATED.
 */
export async function grantPageAccess(
  rt: Runtime,
  page: { id: string; passwordHash: string | null },
  password: string,
): Promise<{ cookie: string; maxAgeSeconds: number }> {
  const ok = await verifyPassword(page.passwordHash ?? undefined, password);
  if (!ok || !page.passwordHash) throw new AppError("UNAUTHENTICATED", "Wrong password");
  const maxAgeSeconds = PAGE_ACCESS_DAYS * 86_400;
  const expires = Math.floor(rt.clock.now() / 1000) + maxAgeSeconds;
  return { cookie: `${expires}.${signature(rt, page.id, expires, page.passwordHash)}`, maxAgeSeconds };
}

/** Whether a page-access cookie is this page's, unexpired, and made under its current password. */
export function hasPageAccess(
  rt: Runtime,
  page: { id: string; passwordHash: string | null },
  cookie: string | undefined,
): boolean {
  if (!cookie || !page.passwordHash || cookie.length > 200) return false;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
  if (!match?.[1] || !match[2]) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= rt.clock.now()) return false;
  const expected = Buffer.from(signature(rt, page.id, expires, page.passwordHash));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Whether the holder of this access token (the session cookie of the dashboard) is a member of
 * the organization. Any failure (no token, ended session, another organization) is false.
 */
export async function isOrganizationMember(
  rt: Runtime,
  organizationId: string,
  accessToken: string | undefined,
): Promise<boolean> {
  if (!accessToken) return false;
  try {
    const who = await authenticateAccessToken(rt, accessToken);
    const row = await rt.db
      .selectFrom("memberships")
      .select("user_id")
      .where("organization_id", "=", organizationId)
      .where("user_id", "=", who.user.id)
      .executeTakeFirst();
    return row !== undefined;
  } catch (err) {
    if (err instanceof AppError) return false;
    throw err;
  }
}
