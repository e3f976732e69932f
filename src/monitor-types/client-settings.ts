/**
 * Settings pieces the client-library types (postgres, mysql, redis, rabbitmq) share: names and
 * passwords, TLS switches, and how a password is kept write-only through the API.
 */
import { z } from "zod";
import type { MonitorSettings } from "../domain/monitor.ts";
import { UNSAFE_CHARS } from "../lib/unsafe-chars.ts";
import { type MonitorTypeSecrets, REDACTED, type SecretTransform } from "./define.ts";

/** A user name, database, virtual host…: one line of text without control characters. */
export const PlainName = (max = 256) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !UNSAFE_CHARS.test(s), "must not contain control characters");

/** Write-only: responses show "[redacted]" in its place, and sending that back keeps it. */
export const Password = z.string().min(1).max(1024).meta({
  writeOnly: true,
  description: "Write-only: responses show [redacted]; sending [redacted] back keeps the stored value.",
});

export const TlsSwitch = z.boolean().default(false);
export const VerifyTls = z.boolean().default(true);

/**
 * The secret fields (`password` by default; a token, say) of the named settings block, redacted
 * when shown and each kept when sent back redacted.
 */
export function passwordSecrets(block: string, fields: readonly string[] = ["password"]): MonitorTypeSecrets {
  return {
    present(settings: MonitorSettings): MonitorSettings {
      const own = settings[block];
      if (!own || fields.every((f) => own[f] === undefined)) return settings;
      const shown = { ...own };
      for (const f of fields) if (shown[f] !== undefined) shown[f] = REDACTED;
      return { ...settings, [block]: shown };
    },
    keep(current: Record<string, unknown>, merged: Record<string, unknown>): void {
      const after = merged[block] as Record<string, unknown> | undefined;
      if (!after) return;
      const stored = current[block] as Record<string, unknown> | undefined;
      const kept = { ...after };
      for (const f of fields) {
        if (kept[f] !== REDACTED) continue;
        if (stored?.[f] === undefined) delete kept[f];
        else kept[f] = stored[f];
      }
      merged[block] = kept;
    },
    map(settings: Record<string, unknown>, f: SecretTransform): Record<string, unknown> {
      const own = settings[block] as Record<string, unknown> | undefined;
      if (!own || own.password === undefined) return settings;
      return { ...settings, [block]: { ...own, password: f(own.password) } };
    },
  };
}
