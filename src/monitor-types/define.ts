/**
 * What a monitor type is: everything Upblit needs to know about one kind of check, kept in that
 * type's folder (src/monitor-types/<type>/) and listed once in ./registry.ts. The API builds its
 * input schema, its response and its OpenAPI document from these; the probe role runs `probe`;
 * the judge asks for the implied assertions. docs/development.md ("Adding a monitor type").
 */
import type { z } from "zod";
import type { Assertion, AssertionSubject } from "../domain/assertion.ts";
import type { Observation } from "../domain/check-result.ts";
import type { CheckSpec, MonitorSettings } from "../domain/monitor.ts";
import type { ProbeOptions } from "../probe/types.ts";

/** What the API shows of a stored secret (a header value, say) and takes back as "unchanged". */
export const REDACTED = "[redacted]";

/** Changes one secret value (seals or opens it); anything else it is given, it returns as is. */
export type SecretTransform = (value: unknown) => unknown;

/**
 * How a type's secrets are kept. They are stored encrypted in the monitor's settings column
 * (services/monitors/secrets.ts seals and opens the values `map` visits) and are write-only
 * through the API: `present` hides them from every response, and `keep` puts the stored value
 * back when an update sends the placeholder `present` showed.
 */
export interface MonitorTypeSecrets {
  /** The settings blocks as the API shows them. */
  present(settings: MonitorSettings): MonitorSettings;
  /** `merged` is an update merged over `current` (both input-shaped); restores what was redacted. */
  keep(current: Record<string, unknown>, merged: Record<string, unknown>): void;
  /**
   * The settings with `f` applied to each secret value (a copy; absent when the type stores
   * none encrypted, as heartbeat's token, which is the ping URL's lookup key).
   */
  map?(settings: Record<string, unknown>, f: SecretTransform): Record<string, unknown>;
}

export interface MonitorTypeDefinition<Spec extends CheckSpec = CheckSpec> {
  /** The monitor's `type`; the folder has the same name. */
  type: string;
  /** One sentence for the OpenAPI document: what a check of this type does. */
  summary: string;
  /** What `target` must be (a URL, host:port, a hostname…). */
  target: z.ZodType<string>;
  /**
   * The settings blocks the type takes, by name, each with its defaults (`{ dns: DnsSettings }`).
   * A block may be shared with other types (`http` is taken by http, keyword and json).
   */
  settings: Record<string, z.ZodType>;
  /** Checks that span the target and the blocks, run after each block is valid. */
  refine?(input: Spec, ctx: z.RefinementCtx): void;
  /**
   * Pushed to, never probed (heartbeats): no schedule rows, so `probe` is never called; results
   * come from the type's own endpoint and sweep, through the same evaluator.
   */
  passive?: boolean;
  /** Runs one check. It may throw: the caller turns a throw into an observation error. */
  probe(spec: Spec, options: ProbeOptions): Promise<Observation>;
  /**
   * The assertion subjects this type's observations answer. Built-in ones read the observation's
   * fields (domain/assertion.ts); any other name reads `observation.facts[name]`.
   */
  subjects: readonly AssertionSubject[];
  /** Assertions the type implies (all `hard`), judged before the user's own, which may override them. */
  impliedAssertions(spec: Spec): Assertion[];
  /**
   * Something the server must have for this type's checks (`browser`: a Chromium, BROWSER_EXECUTABLE).
   * Without it, creating a monitor of the type is refused and GET /monitor-types marks it unavailable.
   */
  needs?: "browser";
  /** How its secrets are redacted; absent when its settings hold none. */
  secrets?: MonitorTypeSecrets;
}

/**
 * Declares a type. `Spec` is what its own code sees: the check spec with its blocks typed. The
 * widening to `CheckSpec` is safe because specs reach a type only from rows its schema validated
 * (the registry dispatches on `type`).
 */
export function defineMonitorType<Spec extends CheckSpec>(
  def: MonitorTypeDefinition<Spec>,
): MonitorTypeDefinition {
  return def as unknown as MonitorTypeDefinition;
}
