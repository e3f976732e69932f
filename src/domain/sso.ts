import { type Role, roleAtLeast } from "./permissions.ts";

/** Roles a provider's groups may grant. `owner` is never granted or taken by single sign-on. */
export const SSO_ROLES = ["viewer", "editor", "admin"] as const;
export type SsoRole = (typeof SSO_ROLES)[number];

export interface GroupRole {
  group: string;
  role: SsoRole;
}

/**
 * The role a person gets from their groups: the strongest role any of their groups maps to,
 * else `defaultRole`; null means they get no membership at all.
 */
export function roleFromGroups(
  mapping: readonly GroupRole[],
  groups: readonly string[],
  defaultRole: SsoRole | null,
): SsoRole | null {
  const held = new Set(groups);
  let best: SsoRole | null = null;
  for (const { group, role } of mapping) {
    if (held.has(group) && (best === null || roleAtLeast(role, best))) best = role;
  }
  return best ?? defaultRole;
}

/**
 * A claim's groups as a list of names: providers send an array of strings, a single string, or
 * (some) a space-separated string. Anything else is no groups.
 */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  return [];
}

/** The part after the last `@`, lower-cased; "" when there is none. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf("@");
  return at < 0
    ? ""
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

export function isSsoRole(value: string | null): value is SsoRole {
  return value !== null && (SSO_ROLES as readonly string[]).includes(value);
}

/** For a membership's current role: whether SSO manages it (owners are left alone). */
export function ssoManages(role: Role): boolean {
  return role !== "owner";
}
