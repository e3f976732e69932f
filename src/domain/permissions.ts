/**
 * Who may do what: roles, the permissions they grant and the scopes API keys carry. This table is
 * the one source; docs/permissions.md is checked against it and the route table declares, per
 * route, which permission it needs.
 */
export const ROLES = ["viewer", "editor", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

/** Scopes an API key can be given; each is also a permission a role may grant. */
export const SCOPES = [
  "monitors:read",
  "monitors:write",
  "heartbeats:write",
  "incidents:read",
  "incidents:write",
  "status-pages:read",
  "status-pages:write",
  "notifications:read",
  "notifications:write",
  "members:read",
  "audit:read",
  "metrics:read",
  "org:admin",
] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Permissions a route can require. `org:owner` (delete the organization, make or unmake owners)
 * is never granted to a key; `self` means "a signed-in person acting on their own account".
 */
export type Permission = Scope | "org:owner";

const VIEWER: Permission[] = [
  "monitors:read",
  "incidents:read",
  "status-pages:read",
  "notifications:read",
  "members:read",
];
const EDITOR: Permission[] = [
  ...VIEWER,
  "monitors:write",
  "heartbeats:write",
  "incidents:write",
  "status-pages:write",
  "notifications:write",
];
const ADMIN: Permission[] = [...EDITOR, "audit:read", "metrics:read", "org:admin"];
const OWNER: Permission[] = [...ADMIN, "org:owner"];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(VIEWER),
  editor: new Set(EDITOR),
  admin: new Set(ADMIN),
  owner: new Set(OWNER),
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** `a` is at least as strong as `b`. */
export function roleAtLeast(a: Role, b: Role): boolean {
  return ROLES.indexOf(a) >= ROLES.indexOf(b);
}

/**
 * What an API key may do right now: its scopes, cut down to what its creator's current role
 * grants. A creator who left the organization (role null) leaves the key with nothing.
 */
export function keyPermissions(scopes: readonly string[], creatorRole: Role | null): ReadonlySet<Permission> {
  if (!creatorRole) return new Set();
  const granted = ROLE_PERMISSIONS[creatorRole];
  return new Set(scopes.filter((s): s is Scope => granted.has(s as Permission)));
}
