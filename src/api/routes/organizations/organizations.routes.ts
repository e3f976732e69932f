import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  changeMemberRole,
  leaveOrganization,
  listMembers,
  removeMember,
  transferOwnership,
} from "../../../services/accounts/members.ts";
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  renameOrganization,
} from "../../../services/accounts/organizations.ts";
import { type ApiDeps, ctxFor, userCtxFor } from "../../context.ts";
import { clearSessionCookies } from "../../cookies.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { presentMember, presentOrganization } from "./present.ts";
import {
  ChangeRoleBody,
  CreatedOrganizationResponse,
  CreateOrganizationBody,
  DeleteOrganizationBody,
  MemberPage,
  MemberParams,
  MemberResponse,
  MembersQuery,
  OrganizationResponse,
  RenameOrganizationBody,
} from "./schemas.ts";

const TAGS = ["organizations"];
const CHANGE_ERRORS = { 409: Problem, ...COMMON_ERRORS };

/**
 * Organizations and their members. Everything but creating one acts in the organization of the
 * credential; no route takes an organization id. Role rules live in services/accounts/members.ts.
 */
export function organizationRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/organizations",
      {
        config: { auth: "user" },
        schema: {
          tags: TAGS,
          operationId: "createOrganization",
          summary: "Create an organization; you become its owner",
          description:
            "Signed-in people only (not API keys). Your session keeps acting where it was: switch with POST /auth/switch-organization. One person belongs to at most 50 organizations (429 beyond).",
          body: CreateOrganizationBody,
          response: { 201: CreatedOrganizationResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const org = await createOrganization(userCtxFor(request), request.body);
        return reply.status(201).send({ ...presentOrganization(org), role: org.role });
      },
    );

    app.get(
      "/organization",
      {
        config: { auth: { permission: "members:read" } },
        schema: {
          tags: TAGS,
          operationId: "getOrganization",
          summary: "The organization this credential acts in",
          response: { 200: OrganizationResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => presentOrganization(await getOrganization(ctxFor(deps, request))),
    );

    app.patch(
      "/organization",
      {
        config: { auth: { permission: "org:admin" } },
        schema: {
          tags: TAGS,
          operationId: "updateOrganization",
          summary: "Rename the organization",
          body: RenameOrganizationBody,
          response: { 200: OrganizationResponse, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        presentOrganization(await renameOrganization(ctxFor(deps, request), request.body.name)),
    );

    app.delete(
      "/organization",
      {
        config: { auth: { permission: "org:owner" } },
        schema: {
          tags: TAGS,
          operationId: "deleteOrganization",
          summary: "Delete the organization and everything in it",
          description:
            "Owners only, signed in as a person (no API key carries `org:owner`). `confirm` must repeat the organization's exact name. Monitors and their history, members, invitations, API keys and the organization's audit log are deleted; every session acting in it ends, yours included.",
          body: DeleteOrganizationBody,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteOrganization(ctxFor(deps, request), request.body.confirm);
        clearSessionCookies(reply, deps.auth.secureCookies);
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/members",
      {
        config: { auth: { permission: "members:read" } },
        schema: {
          tags: TAGS,
          operationId: "listMembers",
          summary: "List the organization's members",
          querystring: MembersQuery,
          response: { 200: MemberPage, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const { cursor, limit } = request.query;
        const page = await listMembers(ctxFor(deps, request), { after: cursor, limit });
        return { items: page.items.map(presentMember), nextCursor: page.nextCursor };
      },
    );

    app.patch(
      "/members/:userId",
      {
        config: { auth: { permission: "org:admin" } },
        schema: {
          tags: TAGS,
          operationId: "updateMember",
          summary: "Change a member's role",
          description:
            "Nobody changes their own role. Only an owner (signed in) makes someone owner or changes an owner's role; admins set roles up to admin. The last owner cannot be demoted (409). The member's sessions in this organization end at once; their API keys are cut to the new role from the next request.",
          params: MemberParams,
          body: ChangeRoleBody,
          response: { 200: MemberResponse, ...CHANGE_ERRORS },
        },
      },
      async (request) =>
        presentMember(
          await changeMemberRole(ctxFor(deps, request), request.params.userId, request.body.role),
        ),
    );

    app.delete(
      "/members/:userId",
      {
        config: { auth: { permission: "org:admin" } },
        schema: {
          tags: TAGS,
          operationId: "removeMember",
          summary: "Remove a member",
          description:
            "Only an owner removes an owner; the last owner cannot be removed (409); to remove yourself, leave. The member's sessions in this organization end, their API keys here are revoked and their pending invitations stop working.",
          params: MemberParams,
          response: { 204: z.null(), ...CHANGE_ERRORS },
        },
      },
      async (request, reply) => {
        await removeMember(ctxFor(deps, request), request.params.userId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/members/:userId/transfer-ownership",
      {
        config: { auth: { permission: "org:owner", keys: false } },
        schema: {
          tags: TAGS,
          operationId: "transferOwnership",
          summary: "Hand the ownership to another member",
          description:
            "Owners only, signed in as a person. In one step the member becomes owner and you become admin; other owners stay owners. The new owner's sessions in this organization end, as with any role change.",
          params: MemberParams,
          response: { 200: MemberResponse, ...CHANGE_ERRORS },
        },
      },
      async (request) => presentMember(await transferOwnership(ctxFor(deps, request), request.params.userId)),
    );

    app.post(
      "/members/me/leave",
      {
        config: { auth: { permission: "members:read", keys: false } },
        schema: {
          tags: TAGS,
          operationId: "leaveOrganization",
          summary: "Leave the organization",
          description:
            "Signed-in people only; an API key gets 403. The last owner cannot leave (409). Your API keys here are revoked; your sessions stay signed in but act in no organization until you switch to another.",
          response: { 204: z.null(), ...CHANGE_ERRORS },
        },
      },
      async (request, reply) => {
        await leaveOrganization(ctxFor(deps, request));
        return reply.status(204).send(null);
      },
    );
  };
}
