/**
 * Why a single sign-on attempt was refused. The browser is sent back to the sign-in page with
 * `reason` (a stable word the dashboard explains); `message` goes to the log and the audit log.
 */
export type SsoRefusalReason = "expired" | "provider" | "email" | "no-access" | "unavailable";

export class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "SsoRefused";
  }
}
