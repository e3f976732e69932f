/**
 * Page slugs: /status/{slug}. Lowercase letters, digits and inner hyphens, 3 to 60 characters,
 * unique across every organization, and none of the words Upblit keeps for its own paths.
 */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,58})[a-z0-9]$/;

/** Words a slug may not be: current and likely future paths, and names that would mislead. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "api",
  "admin",
  "app",
  "assets",
  "auth",
  "badge",
  "badges",
  "dashboard",
  "docs",
  "events",
  "feed",
  "feeds",
  "healthz",
  "help",
  "login",
  "logout",
  "new",
  "readyz",
  "rss",
  "settings",
  "setup",
  "signin",
  "signup",
  "static",
  "status",
  "support",
  "upblit",
  "www",
]);

/** Why a slug is refused, or undefined when it is acceptable (uniqueness is checked apart). */
export function slugProblem(slug: string): string | undefined {
  if (!SLUG_PATTERN.test(slug)) {
    return "must be 3 to 60 lowercase letters, digits or inner hyphens";
  }
  if (slug.includes("--")) return "must not contain two hyphens in a row";
  if (RESERVED_SLUGS.has(slug)) return "is reserved; choose another";
  return undefined;
}
