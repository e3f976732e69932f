import { z } from "zod";
import { ROLES } from "../../../domain/permissions.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";

// C0/C1 controls, DEL and bidi overrides: never in a name people read in lists and mail.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export const OrganizationName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !UNSAFE_CHARS.test(s), "must not contain control or bidi characters")
  .meta({ example: "Acme Ops" });

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
