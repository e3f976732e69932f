import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Permission } from "../../../domain/permissions.ts";
import {
  deleteKey,
  type KeyedKind,
  listKeys,
  setKey,
} from "../../../services/resource-keys/resource-keys.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS } from "../../problem.ts";
import { Key } from "./key-param.ts";

/** Each keyed kind: its collection's path, its name in operationIds, and the permissions it needs. */
const KINDS: Array<{ kind: KeyedKind; path: string; name: string; read: Permission; write: Permission }> = [
  { kind: "monitor", path: "monitors", name: "Monitor", read: "monitors:read", write: "monitors:write" },
  {
    kind: "channel",
    path: "channels",
    name: "Channel",
    read: "notifications:read",
    write: "notifications:write",
  },
  {
    kind: "alert-rule",
    path: "alert-rules",
    name: "AlertRule",
    read: "notifications:read",
    write: "notifications:write",
  },
  {
    kind: "maintenance-window",
    path: "maintenance-windows",
    name: "MaintenanceWindow",
    read: "monitors:read",
    write: "monitors:write",
  },
  {
    kind: "status-page",
    path: "status-pages",
    name: "StatusPage",
    read: "status-pages:read",
    write: "status-pages:write",
  },
];

const ResourceKey = z
  .object({ key: z.string(), id: z.string() })
  .meta({ id: "ResourceKey", description: "A configuration file's key and the id of the resource it names" });
const TAGS = ["config"];

/**
 * Keys of config as code (docs/config-as-code.md#keys): for each kind, list the keys, give a
 * resource a key, remove one. `upblit apply` uses them to find what a file declares.
 */
export function resourceKeyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    for (const k of KINDS) {
      const what = k.kind.replace("-", " ");
      app.get(
        `/${k.path}/keys`,
        {
          config: { auth: { permission: k.read } },
          schema: {
            tags: TAGS,
            operationId: `list${k.name}Keys`,
            summary: `List the keys of ${what}s`,
            description: `Every key given to one of the organization's ${what}s, ordered by key. A key whose ${what} was deleted is not listed.`,
            response: { 200: z.object({ items: z.array(ResourceKey) }), ...COMMON_ERRORS },
          },
        },
        async (request) => ({ items: await listKeys(ctxFor(deps, request), k.kind) }),
      );
      app.put(
        `/${k.path}/keys/:key`,
        {
          config: { auth: { permission: k.write } },
          schema: {
            tags: TAGS,
            operationId: `set${k.name}Key`,
            summary: `Give a ${what} a key`,
            description: `The key names this ${what} from now on: it moves here if another ${what} had it, and the ${what}'s previous key is dropped (one key per ${what}). 404 when the ${what} is not the organization's.`,
            params: z.object({ key: Key }),
            body: z.strictObject({ id: z.string().min(1).max(40) }),
            response: { 200: ResourceKey, ...COMMON_ERRORS },
          },
        },
        async (request) => setKey(ctxFor(deps, request), k.kind, request.params.key, request.body.id),
      );
      app.delete(
        `/${k.path}/keys/:key`,
        {
          config: { auth: { permission: k.write } },
          schema: {
            tags: TAGS,
            operationId: `delete${k.name}Key`,
            summary: `Remove a ${what}'s key`,
            description: `The ${what} stays; only its key goes.`,
            params: z.object({ key: Key }),
            response: { 204: z.null().meta({ description: "Removed" }), ...COMMON_ERRORS },
          },
        },
        async (request, reply) => {
          await deleteKey(ctxFor(deps, request), k.kind, request.params.key);
          return reply.status(204).send(null);
        },
      );
    }
  };
}
