import { AppError } from "../../../lib/errors.ts";
import type { ChannelAdapter } from "../../../notify/channels/types.ts";
import { outboundRefusal } from "../../../notify/outbound.ts";

/**
 * Refuses settings that hold an address Upblit would not connect to (private, loopback, metadata
 * unless allowed), each reported at its field; only the settings given are checked, so a PATCH
 * that leaves an address alone does not look it up again. The send-time check stays.
 */
export async function checkDialled(
  adapter: ChannelAdapter,
  given: { config?: Record<string, unknown>; secrets?: Record<string, unknown> },
  allowPrivate: boolean,
): Promise<void> {
  const errors: Array<{ path: string; message: string }> = [];
  for (const dial of adapter.dials) {
    const value = given[dial.in]?.[dial.key];
    if (typeof value !== "string") continue;
    const refusal = await outboundRefusal(value, allowPrivate);
    if (refusal) errors.push({ path: `body.${dial.in}.${dial.key}`, message: refusal });
  }
  if (errors.length > 0)
    throw new AppError("VALIDATION", "An address in the settings is not allowed", { errors });
}
