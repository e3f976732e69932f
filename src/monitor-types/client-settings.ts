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

/** The `password` of the named settings block, redacted when shown and kept when sent back redacted. */
export function passwordSecrets(block: string): MonitorTypeSecrets {
  return {
    present(settings: MonitorSettings): MonitorSettings {
      const own = settings[block];
      if (!own || own.password === undefined) return settings;
      return { ...settings, [block]: { ...own, password: REDACTED } };
    },
    keep(current: Record<string, unknown>, merged: Record<string, unknown>): void {
      const after = merged[block] as Record<string, unknown> | undefined;
      if (after?.password !== REDACTED) return;
      const before = (current[block] as Record<string, unknown> | undefined)?.password;
      const { password: _redacted, ...rest } = after;
      merged[block] = before === undefined ? rest : { ...rest, password: before };
    },
    map(settings: Record<string, unknown>, f: SecretTransform): Record<string, unknown> {
      const own = settings[block] as Record<string, unknown> | undefined;
      if (!own || own.password === undefined) return settings;
      return { ...settings, [block]: { ...own, password: f(own.password) } };
    },
  };
}
