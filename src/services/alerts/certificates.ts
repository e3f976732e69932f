import type { CheckResult } from "../../domain/check-result.ts";
import type { Db } from "../../storage/db.ts";

/** PLACEHOLDER (being built): certificate expiry warnings for results that crossed a threshold. */
export async function queueCertificateWarnings(
  _tx: Db,
  _results: CheckResult[],
  _publicUrl: string,
  _nowMs: number,
): Promise<number> {
  return 0;
}
