import { z } from "zod";
import { ROLES } from "../../../domain/permissions.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { safeText } from "../../text.ts";

export const OrganizationName = safeText(100).meta({ example: "Acme Ops" });

export const RoleName = z.enum(ROLES).meta({ description: "viewer < editor < admin < owner" });

/** Request bodies are strict: an unknown field (`role`, `organizationId`, …) is a 400, never ignored. */
export const CreateOrganizationBody = z.strictObject({ name: OrganizationName });
export const RenameOrganizationBody = z.strictObject({ name: OrganizationName });
export const DeleteOrganizationBody = z.strictObject({
  confirm: z
    .string()
    .min(1)
    .max(200)
    .meta({ description: "The organization's exact name, as GET /organization shows it" }),
});
export const ChangeRoleBody = z.strictObject({ role: RoleName });

export const MemberParams = z.object({ userId: z.string().min(1).max(40) });
export const MembersQuery = z.strictObject({ cursor: Cursor, limit: pageSize(100) });

export const OrganizationResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    memberCount: z.number().int(),
  })
  .meta({ id: "Organization" });

export const CreatedOrganizationResponse = OrganizationResponse.extend({ role: z.literal("owner") }).meta({
  id: "CreatedOrganization",
});

export const MemberResponse = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleName,
    joinedAt: z.string(),
  })
  .meta({ id: "Member" });

export const MemberPage = pageOf(MemberResponse);
