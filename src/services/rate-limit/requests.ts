import type { RateLimits } from "./limiter.ts";
import { consumeOrRefuse } from "./refuse.ts";

/**
 * Requests that send mail (password reset) answer the same whatever the email, so they cannot
 * count failures: they get fixed caps per IP and per target email instead. The per-email cap
 * cannot lock the owner out: every request it counted mailed them a working link.
 */
export async function countMailRequest(
  limits: RateLimits,
  who: { ip: string; emailKey: string | undefined },
): Promise<void> {
  await consumeOrRefuse(limits.mailPerIp, who.ip, "Too many requests from this address; try again later");
  if (who.emailKey) {
    await consumeOrRefuse(
      limits.mailPerEmail,
      who.emailKey,
      "Too many requests for this email; try again later",
    );
  }
}

/** Who an authenticated request comes from, for the per-key and per-person API limits. */
export type ApiCaller = { kind: "apiKey"; keyId: string } | { kind: "user"; userId: string };

/** One request of an API key or a signed-in person; refused past the per-minute cap. */
export async function countApiRequest(limits: RateLimits, caller: ApiCaller): Promise<void> {
  if (caller.kind === "apiKey") {
    await consumeOrRefuse(limits.apiPerKey, caller.keyId, "This API key sent too many requests; slow down");
  } else {
    await consumeOrRefuse(limits.apiPerUser, caller.userId, "Too many requests from this account; slow down");
  }
}

/** A request to a public route that proves nothing (GET /api/v1/setup): a fixed cap per IP. */
export async function countPublicRequest(limits: RateLimits, ip: string): Promise<void> {
  await consumeOrRefuse(limits.publicPerIp, ip, "Too many requests from this address; try again later");
}
