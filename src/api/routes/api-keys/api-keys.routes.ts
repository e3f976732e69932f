import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createApiKey,
  getApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
} from "../../../services/api-keys/api-keys.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { Cursor, pageOf, pageSize } from "../../pagination.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { ApiKeyResponse, NewApiKeyResponse, presentApiKey } from "./present.ts";
import { ApiKeyId, CreateApiKeyBody } from "./schemas.ts";

const ADMIN = { auth: { permission: "org:admin" } } as const;
/** Making a key (or a new token for one) is for people: a key never makes keys. */
const ADMIN_PEOPLE = { auth: { permission: "org:admin", keys: false } } as const;

/**
 * API keys of the caller's organization. Only people make and rotate keys (a key cannot mint
 * keys); a key never carries more than its creator's current role grants.
 */
export function apiKeyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/api-keys",
      {
        config: ADMIN_PEOPLE,
        schema: {
          tags: ["api-keys"],
          operationId: "createApiKey",
          summary: "Create an API key",
          description:
            "The answer's `token` is the only time the secret is shown; store it then. Scopes beyond your own role are refused (403). API keys cannot create keys.",
          body: CreateApiKeyBody,
          response: { 201: NewApiKeyResponse, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { key, token } = await createApiKey(ctxFor(deps, request), request.body);
        return reply
          .status(201)
          .header("location", `/api/v1/api-keys/${key.id}`)
          .send({ ...presentApiKey(key), token });
      },
    );

    app.get(
      "/api-keys",
      {
        config: ADMIN,
        schema: {
          tags: ["api-keys"],
          operationId: "listApiKeys",
          summary: "List API keys, newest first",
          description: "Keys are listed by prefix with who made them and when and where they were last used.",
          querystring: z.strictObject({ cursor: Cursor, limit: pageSize(50) }),
          response: { 200: pageOf(ApiKeyResponse), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const page = await listApiKeys(ctxFor(deps, request), request.query);
        return { items: page.items.map(presentApiKey), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/api-keys/:id",
      {
        config: ADMIN,
        schema: {
          tags: ["api-keys"],
          operationId: "getApiKey",
          summary: "Get an API key",
          params: ApiKeyId,
          response: { 200: ApiKeyResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => presentApiKey(await getApiKey(ctxFor(deps, request), request.params.id)),
    );

    app.post(
      "/api-keys/:id/revoke",
      {
        config: ADMIN,
        schema: {
          tags: ["api-keys"],
          operationId: "revokeApiKey",
          summary: "Revoke an API key",
          description: "The key fails from its next request on. Revoking a revoked key changes nothing.",
          params: ApiKeyId,
          response: { 200: ApiKeyResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => presentApiKey(await revokeApiKey(ctxFor(deps, request), request.params.id)),
    );

    app.post(
      "/api-keys/:id/rotate",
      {
        config: ADMIN_PEOPLE,
        schema: {
          tags: ["api-keys"],
          operationId: "rotateApiKey",
          summary: "Rotate an API key",
          description:
            "Revokes the key and creates a new one with the same name, scopes and expiry, made by you; the new `token` is shown this once. Revoked or expired keys answer 409.",
          params: ApiKeyId,
          response: { 201: NewApiKeyResponse, 409: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { key, token } = await rotateApiKey(ctxFor(deps, request), request.params.id);
        return reply
          .status(201)
          .header("location", `/api/v1/api-keys/${key.id}`)
          .send({ ...presentApiKey(key), token });
      },
    );
  };
}
