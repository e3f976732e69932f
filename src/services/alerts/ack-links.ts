import { createHmac, timingSafeEqual } from "node:crypto";

/** How long an acknowledge link in an alert works. */
export const ACK_LINK_TTL_MS = 7 * 86_400_000;

/** Tokens longer than this are not ours; refused before any work. */
export const ACK_TOKEN_MAX = 400;

const VERSION = "a1";
const ID = /^[a-z]{3}_[0-9a-z]{26}$/;

/** What an acknowledge link vouches for: this incident, of this organization, sent in this notification. */
export interface AckClaims {
  incidentId: string;
  organizationId: string;
  notificationId: string;
  channelId: string;
  /** Epoch milliseconds (whole seconds) after which the link no longer works. */
  expiresAt: number;
}

export type AckTokenCheck =
  | { ok: true; claims: AckClaims }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "expired"; claims: AckClaims };

/**
 * Signs an acknowledge token: base64url of the claims, a dot, and the base64url HMAC-SHA256 of
 * that first part under `keys.links` (a key used for nothing else).
 */
export function signAckToken(key: Buffer, claims: AckClaims): string {
  const fields = [
    VERSION,
    claims.incidentId,
    claims.organizationId,
    claims.notificationId,
    claims.channelId,
    String(Math.floor(claims.expiresAt / 1000)),
  ];
  const payload = Buffer.from(fields.join("."), "utf8").toString("base64url");
  return `${payload}.${macOf(key, payload)}`;
}

/**
 * Checks a token: the signature first (compared in constant time, over the exact text given, so
 * no other spelling of it passes), then its shape, then its expiry at `nowMs`.
 */
export function verifyAckToken(key: Buffer, token: string, nowMs: number): AckTokenCheck {
  const invalid = { ok: false, reason: "invalid" } as const;
  if (token.length > ACK_TOKEN_MAX) return invalid;
  const parts = token.split(".");
  if (parts.length !== 2) return invalid;
  const [payload, signature] = parts as [string, string];
  const expected = Buffer.from(macOf(key, payload), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  const claims = parseClaims(Buffer.from(payload, "base64url").toString("utf8"));
  if (!claims) return invalid;
  if (nowMs >= claims.expiresAt) return { ok: false, reason: "expired", claims };
  return { ok: true, claims };
}

/** The link to put in a message: `<publicUrl>/ack/<token>`, valid for ACK_LINK_TTL_MS from `nowMs`. */
export function acknowledgeUrlFor(
  publicUrl: string,
  key: Buffer,
  claims: Omit<AckClaims, "expiresAt">,
  nowMs: number,
): string {
  return `${publicUrl}/ack/${signAckToken(key, { ...claims, expiresAt: nowMs + ACK_LINK_TTL_MS })}`;
}

function macOf(key: Buffer, payload: string): string {
  return createHmac("sha256", key).update(`upblit acknowledge link|${payload}`, "utf8").digest("base64url");
}

function parseClaims(text: string): AckClaims | undefined {
  const [version, incidentId, organizationId, notificationId, channelId, expires, ...rest] = text.split(".");
  if (version !== VERSION || rest.length > 0 || !expires || !/^\d{1,12}$/.test(expires)) return undefined;
  const ids = [incidentId, organizationId, notificationId, channelId];
  if (!ids.every((id) => id !== undefined && ID.test(id))) return undefined;
  return {
    incidentId: incidentId!,
    organizationId: organizationId!,
    notificationId: notificationId!,
    channelId: channelId!,
    expiresAt: Number(expires) * 1000,
  };
}
