import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The unsubscribe token of a subscriber: its id and an HMAC of it under the links key. Nothing is
 * stored, so every notice can carry it; deleting the subscriber spends it (a replay finds nothing).
 */
export function unsubscribeToken(linksKey: Buffer, subscriberId: string): string {
  return `${subscriberId}.${signature(linksKey, subscriberId)}`;
}

/** The subscriber id a well-signed unsubscribe token names, or undefined when tampered with. */
export function readUnsubscribeToken(linksKey: Buffer, token: string): string | undefined {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const id = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(linksKey, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

function signature(key: Buffer, subscriberId: string): string {
  return createHmac("sha256", key).update(`status-unsubscribe:${subscriberId}`).digest("base64url");
}
