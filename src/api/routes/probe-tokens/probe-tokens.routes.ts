import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createProbeToken,
  listProbeTokens,
  type ProbeTokenView,
  revokeProbeToken,
} from "../../../services/probe-tokens/tokens.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";

const ADMIN = { auth: { permission: "org:admin" } } as const;

const ProbeTokenResponse = z
  .object({
    id: z.string().meta({ example: "prt_01J…" }),
    name: z.string(),
    region: z.string().meta({ description: "The one region the token's probes check from" }),
    prefix: z.string().meta({ description: "The token's first characters, to tell tokens apart" }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastSeenAt: z.string().nullable().meta({ description: "The last request of a probe on this token" }),
    lastSeenIp: z.string().nullable().meta({ description: "The address that request came from" }),
    lastVersion: z.string().nullable().meta({ description: "The probe's version, from its User-Agent" }),
  })
  .meta({ id: "ProbeToken" });

const NewProbeTokenResponse = ProbeTokenResponse.extend({
  token: z.string().meta({ description: "The secret (`upb_probe_…`), shown this once" }),
}).meta({ id: "NewProbeToken" });

const CreateProbeTokenBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    region: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/)
      .meta({ description: "A region monitors name in `regions`, e.g. `office`" }),
  })
  .meta({ id: "CreateProbeToken" });

const ProbeTokenId = z.strictObject({ id: z.string().min(1).max(64) });

function present(v: ProbeTokenView): z.infer<typeof ProbeTokenResponse> {
  return {
    id: v.id,
    name: v.name,
    region: v.region,
    prefix: v.prefix,
    createdAt: v.createdAt.toISOString(),
    revokedAt: v.revokedAt?.toISOString() ?? null,
    lastSeenAt: v.lastSeenAt?.toISOString() ?? null,
    lastSeenIp: v.lastSeenIp,
    lastVersion: v.lastVersion,
  };
}

/** Tokens of remote probes (docs/remote-probes.md): made, listed and revoked by admins. */
export function probeTokenRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/probe-tokens",
      {
        config: ADMIN,
        schema: {
          tags: ["probe-tokens"],
          operationId: "createProbeToken",
          summary: "Create a probe token for one region",
          description:
            "A remote probe (`upblit probe --connect … --token …`) with this token checks the monitors that name its region. The answer's `token` is the only time the secret is shown. The token can call the probe protocol only.",
          body: CreateProbeTokenBody,
          response: { 201: NewProbeTokenResponse, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { view, token } = await createProbeToken(ctxFor(deps, request), request.body);
        return reply.status(201).send({ ...present(view), token });
      },
    );

    app.get(
      "/probe-tokens",
      {
        config: ADMIN,
        schema: {
          tags: ["probe-tokens"],
          operationId: "listProbeTokens",
          summary: "List probe tokens, newest first",
          description: "With when, from where and with which version each was last used.",
          response: {
            200: z.object({ items: z.array(ProbeTokenResponse) }).meta({ id: "ProbeTokenList" }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => ({ items: (await listProbeTokens(ctxFor(deps, request))).map(present) }),
    );

    app.delete(
      "/probe-tokens/:id",
      {
        config: ADMIN,
        schema: {
          tags: ["probe-tokens"],
          operationId: "revokeProbeToken",
          summary: "Revoke a probe token",
          description:
            "Its probes are refused from their next request (within one poll). The row stays, revoked, for the audit trail.",
          params: ProbeTokenId,
          response: { 204: z.null().meta({ description: "Revoked" }), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await revokeProbeToken(ctxFor(deps, request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
