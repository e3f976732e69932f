import { z } from "zod";
import { ROLES } from "../../../domain/permissions.ts";
import type { InvitationLink, InvitationView } from "../../../services/accounts/invitations.ts";

/** A link token as sent in bodies (never in a query string). */
export const LinkToken = z.string().min(1).max(200);

export const INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired"] as const;

export const InvitationResponse = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    status: z.enum(INVITATION_STATUSES),
    invitedBy: z.string().nullable().meta({ description: "User id of whoever (last) sent it" }),
    createdAt: z.string(),
    expiresAt: z.string(),
    acceptedAt: z.string().nullable(),
    acceptedBy: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "Invitation" });

/** An invitation just sent (created or resent): the invitation plus what became of its link. */
export const InvitationSent = InvitationResponse.extend({
  mail: z.enum(["sent", "failed", "disabled"]).meta({
    description:
      "`sent`: the link went to the invitee; `failed`: the mail server refused it, resend later; `disabled`: no SMTP is configured, pass on `acceptUrl` yourself",
  }),
  acceptUrl: z
    .string()
    .optional()
    .meta({ description: "Only without SMTP: the single-use link to give the invitee" }),
}).meta({ id: "InvitationSent" });

export const InvitationLookupResponse = z
  .object({
    organizationName: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    expiresAt: z.string(),
    accountExists: z
      .boolean()
      .meta({ description: "The invited email has an account: sign in, then accept as an existing user" }),
  })
  .meta({ id: "InvitationLookup" });

export function presentInvitation(i: InvitationView): z.infer<typeof InvitationResponse> {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: i.status,
    invitedBy: i.invitedBy,
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    acceptedAt: i.acceptedAt?.toISOString() ?? null,
    acceptedBy: i.acceptedBy,
    revokedAt: i.revokedAt?.toISOString() ?? null,
  };
}

/** The link appears in the answer only when no mail server could carry it. */
export function presentSent(sent: { invitation: InvitationView } & InvitationLink) {
  return {
    ...presentInvitation(sent.invitation),
    mail: sent.mail,
    ...(sent.mail === "disabled" ? { acceptUrl: sent.acceptUrl } : {}),
  };
}
