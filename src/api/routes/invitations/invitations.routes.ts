import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ROLES } from "../../../domain/permissions.ts";
import {
  acceptInvitationAsExistingUser,
  acceptInvitationAsNewUser,
  lookupInvitation,
} from "../../../services/accounts/invitation-accept.ts";
import {
  createInvitation,
  getInvitation,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from "../../../services/accounts/invitations.ts";
import { type ApiDeps, ctxFor, userCtxFor } from "../../context.ts";
import { setSessionCookies } from "../../cookies.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { originOf } from "../../plugins/auth.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { Email, Password, TokenPair, tokenPair } from "../auth/schemas.ts";
import {
  INVITATION_STATUSES,
  InvitationLookupResponse,
  InvitationResponse,
  InvitationSent,
  LinkToken,
  presentInvitation,
  presentSent,
} from "./schemas.ts";

const ERRORS = { 409: Problem, 429: Problem, ...COMMON_ERRORS };
const IdParams = z.object({ id: z.string().max(40) });
const ADMIN = { auth: { permission: "org:admin" as const } };
/** Token-carrying public routes: no sign-in, but the credentials rate limit. */
const PUBLIC = { auth: "public" as const, rateLimit: "credentials" as const };

/**
 * Invitations: admins invite an email with a role (at most their own); the invitee accepts with
 * the single-use link, as a new person (sets a password) or signed in with the invited address.
 */
export function invitationRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/invitations",
      {
        config: ADMIN,
        schema: {
          tags: ["invitations"],
          operationId: "createInvitation",
          summary: "Invite an email into this organization with a role",
          description:
            "The role may be at most your own. With SMTP configured the link is mailed and never returned; without SMTP the answer carries `acceptUrl` for you to pass on. The link works once, for 7 days.",
          body: z.strictObject({ email: Email, role: z.enum(ROLES) }),
          response: { 201: InvitationSent, ...ERRORS },
        },
      },
      async (request, reply) => {
        const sent = await createInvitation(ctxFor(deps, request), request.body);
        return reply.status(201).send(presentSent(sent));
      },
    );

    app.get(
      "/invitations",
      {
        config: ADMIN,
        schema: {
          tags: ["invitations"],
          operationId: "listInvitations",
          summary: "List this organization's invitations, newest first",
          querystring: z.strictObject({
            status: z.enum(INVITATION_STATUSES).optional(),
            cursor: Cursor,
            limit: pageSize(50),
          }),
          response: { 200: pageOf(InvitationResponse), ...ERRORS },
        },
      },
      async (request) => {
        const { cursor, limit, status } = request.query;
        const page = await listInvitations(ctxFor(deps, request), { status }, { cursor, limit });
        return { items: page.items.map(presentInvitation), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/invitations/:id",
      {
        config: ADMIN,
        schema: {
          tags: ["invitations"],
          operationId: "getInvitation",
          summary: "One invitation",
          params: IdParams,
          response: { 200: InvitationResponse, ...ERRORS },
        },
      },
      async (request) => presentInvitation(await getInvitation(ctxFor(deps, request), request.params.id)),
    );

    app.post(
      "/invitations/:id/revoke",
      {
        config: ADMIN,
        schema: {
          tags: ["invitations"],
          operationId: "revokeInvitation",
          summary: "Revoke an invitation; its link stops working at once",
          params: IdParams,
          response: { 200: InvitationResponse, ...ERRORS },
        },
      },
      async (request) => presentInvitation(await revokeInvitation(ctxFor(deps, request), request.params.id)),
    );

    app.post(
      "/invitations/:id/resend",
      {
        config: ADMIN,
        schema: {
          tags: ["invitations"],
          operationId: "resendInvitation",
          summary: "Send a pending or expired invitation again with a new link",
          description: "The old link stops working and the 7 days start again.",
          params: IdParams,
          response: { 200: InvitationSent, ...ERRORS },
        },
      },
      async (request) => presentSent(await resendInvitation(ctxFor(deps, request), request.params.id)),
    );

    app.post(
      "/invitations/lookup",
      {
        config: PUBLIC,
        schema: {
          tags: ["invitations"],
          operationId: "lookUpInvitation",
          summary: "What an invitation link offers, for the accept page",
          description: "404 for a link that was used, revoked or has expired (one answer for all three).",
          body: z.strictObject({ token: LinkToken }),
          response: { 200: InvitationLookupResponse, ...ERRORS },
        },
      },
      async (request) => {
        const found = await lookupInvitation(deps.rt, request.body.token);
        return { ...found, expiresAt: found.expiresAt.toISOString() };
      },
    );

    app.post(
      "/invitations/accept",
      {
        config: PUBLIC,
        schema: {
          tags: ["invitations"],
          operationId: "acceptInvitation",
          summary: "Accept an invitation as a new person: create the account and sign in",
          description:
            "The account gets the invited email. If that email already has an account: 409, sign in and use `/invitations/accept-existing`.",
          body: z.strictObject({
            token: LinkToken,
            password: Password,
            name: z.string().max(100).optional(),
          }),
          response: { 201: TokenPair, ...ERRORS },
        },
      },
      async (request, reply) => {
        const done = await acceptInvitationAsNewUser(deps.rt, request.body, originOf(request));
        setSessionCookies(reply, done.tokens, deps.auth.secureCookies, deps.auth.sessionMaxDays);
        return reply.status(201).send(tokenPair(done.tokens));
      },
    );

    app.post(
      "/invitations/accept-existing",
      {
        config: { auth: "user", rateLimit: "credentials" },
        schema: {
          tags: ["invitations"],
          operationId: "acceptInvitationAsMember",
          summary: "Accept an invitation with your account (signed in with the invited email)",
          description:
            "Joins the organization; switch to it with `/auth/switch-organization`. Another email than the invited one: 403.",
          body: z.strictObject({ token: LinkToken }),
          response: {
            200: z.object({ organizationId: z.string(), role: z.enum(ROLES) }),
            ...ERRORS,
          },
        },
      },
      async (request) => acceptInvitationAsExistingUser(userCtxFor(request), request.body.token),
    );
  };
}
