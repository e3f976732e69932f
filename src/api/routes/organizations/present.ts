import { isRole, type Role } from "../../../domain/permissions.ts";
import type { MemberView } from "../../../services/accounts/members.ts";
import type { OrganizationView } from "../../../services/accounts/organizations.ts";

/** What the API shows of an organization. */
export function presentOrganization(o: OrganizationView) {
  return { id: o.id, name: o.name, createdAt: o.createdAt.toISOString(), memberCount: o.memberCount };
}

/** What the API shows of a member: never a password hash, second-factor state or session. */
export function presentMember(m: MemberView) {
  return {
    userId: m.userId,
    email: m.email,
    name: m.name,
    role: roleOf(m.role),
    joinedAt: m.joinedAt.toISOString(),
  };
}

/** The memberships table's CHECK constraint allows only the four roles. */
function roleOf(value: string): Role {
  if (!isRole(value)) throw new Error(`unknown role ${value} in memberships`);
  return value;
}
