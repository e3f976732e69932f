import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { RateLimits } from "./limiter.ts";
import { consumeOrRefuse, tooManyRequests, waitOfRefusal } from "./refuse.ts";
import { backoffSeconds, type FailureAllowance } from "./settings.ts";

/** Who is trying: the client's IP and, when the request names one, an account key (already hashed). */
export interface CredentialAttempter {
  ip: string;
  account: string | undefined;
}

/** One scope (the IP or the account) of an attempt in progress. */
interface Scope {
  kind: "ip" | "account";
  key: string;
  /** Failures counted so far, this attempt included (it is presumed to fail until it ends). */
  failures: number;
  /** Whether this attempt holds the scope's single slot (it is beyond the free allowance). */
  holdsSlot: boolean;
}

/** An attempt that passed the limits; hand it to `finishCredentialAttempt` when it has an answer. */
export interface CredentialAttempt {
  scopes: Scope[];
}

export type AttemptOutcome = "success" | "failure" | "neutral";

/**
 * Lets a credential attempt through or refuses it with LIMIT_EXCEEDED and a retry-after:
 * refused while the IP or the account is in back-off (even if the password is right), beyond the
 * per-IP request cap, or while another attempt beyond the free allowance is running for the same
 * key. The attempt is counted as a failure up front, so a burst of parallel attempts cannot all
 * slip in before the first failure is recorded; `finishCredentialAttempt` settles the count.
 */
export async function beginCredentialAttempt(
  limits: RateLimits,
  who: CredentialAttempter,
): Promise<CredentialAttempt> {
  const targets = scopesOf(who);
  const waits = await Promise.all(targets.map((t) => msInBackoff(limits, slotKey(t))));
  const wait = Math.max(0, ...waits);
  if (wait > 0) throw tooManyRequests("Too many failed attempts; wait before trying again", wait);
  await consumeOrRefuse(
    limits.credentialRequestsPerIp,
    who.ip,
    "Too many sign-in requests from this address",
  );

  const counted = await Promise.all(
    targets.map(async (t) => ({
      ...t,
      failures: (await failuresOf(limits, t.kind).penalty(t.key)).consumedPoints,
    })),
  );
  const scopes: Scope[] = [];
  for (const t of counted) {
    const beyond = t.failures > allowanceOf(limits, t.kind).free;
    if (beyond) {
      try {
        await limits.attemptSlots.consume(slotKey(t));
      } catch (rejection) {
        await releaseAll(limits, scopes, counted);
        throw tooManyRequests("Too many failed attempts; wait before trying again", waitOfRefusal(rejection));
      }
    }
    scopes.push({ ...t, holdsSlot: beyond });
  }
  return { scopes };
}

/**
 * Settles an attempt. Success forgets the account's failures and takes back the IP's presumed
 * failure (an IP's record is not wiped by one good password). Failure keeps the count and, beyond
 * the allowance, starts a back-off that doubles with each further failure. A neutral outcome (a
 * server error) takes the presumed failure back.
 */
export async function finishCredentialAttempt(
  limits: RateLimits,
  attempt: CredentialAttempt,
  outcome: AttemptOutcome,
): Promise<void> {
  const c = limits.settings.credentials;
  await Promise.all(
    attempt.scopes.map(async (s) => {
      const failures = failuresOf(limits, s.kind);
      if (outcome === "failure") {
        if (!s.holdsSlot) return;
        const allowance = allowanceOf(limits, s.kind);
        const wait = backoffSeconds(c, s.failures - allowance.free);
        await limits.attemptSlots.block(slotKey(s), wait);
        // Back-off is not quiet time: the failures are remembered for a full memory after it ends.
        await failures.set(s.key, s.failures, wait + allowance.memorySeconds);
        return;
      }
      if (outcome === "success" && s.kind === "account") {
        await Promise.all([failures.delete(s.key), limits.attemptSlots.delete(slotKey(s))]);
        return;
      }
      await failures.reward(s.key);
      if (s.holdsSlot) await limits.attemptSlots.delete(slotKey(s));
    }),
  );
}

function scopesOf(who: CredentialAttempter): Array<Pick<Scope, "kind" | "key">> {
  const scopes: Array<Pick<Scope, "kind" | "key">> = [{ kind: "ip", key: who.ip }];
  if (who.account) scopes.push({ kind: "account", key: who.account });
  return scopes;
}

function slotKey(s: Pick<Scope, "kind" | "key">): string {
  return `${s.kind}:${s.key}`;
}

function failuresOf(limits: RateLimits, kind: Scope["kind"]): RateLimiterAbstract {
  return kind === "ip" ? limits.ipFailures : limits.accountFailures;
}

function allowanceOf(limits: RateLimits, kind: Scope["kind"]): FailureAllowance {
  return limits.settings.credentials[kind];
}

/** Milliseconds left in a back-off block (a slot consumed past its one point), or 0. */
async function msInBackoff(limits: RateLimits, slot: string): Promise<number> {
  const res = await limits.attemptSlots.get(slot);
  if (!res || res.consumedPoints <= 1) return 0;
  return Math.max(0, res.msBeforeNext);
}

/** Undoes what a refused attempt did: slots it took, and every presumed failure. */
async function releaseAll(
  limits: RateLimits,
  held: Scope[],
  counted: Array<Pick<Scope, "kind" | "key">>,
): Promise<void> {
  await Promise.all([
    ...held.filter((s) => s.holdsSlot).map((s) => limits.attemptSlots.delete(slotKey(s))),
    ...counted.map((t) => failuresOf(limits, t.kind).reward(t.key)),
  ]);
}
