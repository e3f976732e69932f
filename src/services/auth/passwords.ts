import { hash, verify } from "@node-rs/argon2";
import { AppError, type FieldIssue } from "../../lib/errors.ts";
import { COMMON_PASSWORDS } from "./common-passwords.ts";

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. About 20 ms here, off the main thread. */
const ARGON2 = { algorithm: 2 /* argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 10;
/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** A hash of nothing anyone knows, verified when the email is unknown so both take as long. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX) return false;
  if (!stored) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** The policy: 10 to 256 characters, not the email or its name part, not a well-known password. */
export function passwordProblems(password: string, email: string, path = "body.password"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const lower = password.toLowerCase();
  const local = email.toLowerCase().split("@")[0] ?? "";
  if (password.length < PASSWORD_MIN)
    issues.push({ path, message: `must have at least ${PASSWORD_MIN} characters` });
  if (password.length > PASSWORD_MAX)
    issues.push({ path, message: `must have at most ${PASSWORD_MAX} characters` });
  if (lower === email.toLowerCase() || (local.length >= 3 && lower.includes(local))) {
    issues.push({ path, message: "must not contain your email address" });
  }
  if (COMMON_PASSWORDS.has(lower)) issues.push({ path, message: "is too common; choose another" });
  return issues;
}

export function assertPasswordAllowed(password: string, email: string, path?: string): void {
  const errors = passwordProblems(password, email, path);
  if (errors.length > 0)
    throw new AppError("VALIDATION", "The password does not meet the policy", { errors });
}
