import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import type { RouteAuth } from "../plugins/auth.ts";
import { channelUnion } from "./channels.ts";
import { tidySchemas } from "./components.ts";
import { PROBLEM_RESPONSES, SUCCESS_DESCRIPTIONS } from "./problems.ts";
import { BINARY_SUCCESS, isPingOperation, PING_RESPONSES, PUBLIC_SUCCESS } from "./public-routes.ts";
import { accessNote, SECURITY_SCHEMES, securityFor } from "./security.ts";

/**
 * The OpenAPI 3.1 document: the routes' zod schemas (operationId, summary and tags are declared
 * next to each route), finished here in one place — security per operation from the route's
 * `config.auth`, problem responses as shared components, tidy schemas. The committed copy is
 * `openapi.json` (`npm run gen:api`); docs/api-contract.md explains the rules it follows.
 */
export function swaggerOptions(version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Upblit API",
        version,
        description:
          "Uptime monitoring, incidents and status pages. Authenticate with `Authorization: Bearer <access token or upb_ API key>` (or the session cookies plus `x-csrf-token` from a browser). Errors are RFC 9457 `application/problem+json`. POST requests accept an `Idempotency-Key` header. Every response carries `x-request-id`.",
        contact: { name: "Upblit", url: "https://upblit.dev" },
        license: { name: "AGPL-3.0-only", identifier: "AGPL-3.0-only" },
      },
      servers: [
        {
          url: "{origin}",
          description: "Your Upblit server (its PUBLIC_URL)",
          variables: { origin: { default: "http://localhost:3000", description: "Scheme, host and port" } },
        },
      ],
      components: { securitySchemes: SECURITY_SCHEMES },
      tags: TAGS,
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      if (!out.schema || out.schema.hide) return out;
      const auth = (input.route.config as { auth?: RouteAuth } | undefined)?.auth;
      const method = [input.route.method].flat()[0] ?? "GET";
      const description = [out.schema.description, accessNote(auth)].filter(Boolean).join("\n\n");
      const permission = typeof auth === "object" ? { "x-permission": auth.permission } : {};
      return {
        ...out,
        schema: { ...out.schema, description, security: securityFor(auth, method), ...permission },
      };
    },
    transformObject: (documentObject) => finishDocument(jsonSchemaTransformObject(documentObject)),
  };
}

const TAGS = [
  { name: "auth", description: "Setup, sign-in, sessions and your own account" },
  { name: "monitors", description: "What to watch" },
  {
    name: "regions",
    description: "Where monitors are checked from, and whether each region has a live probe",
  },
  { name: "results", description: "Check results, rollups and uptime" },
  { name: "events", description: "State changes, stored and live" },
  {
    name: "incidents",
    description:
      "Opened when a monitor goes down, resolved when it recovers; assigned, noted and worked through by people",
  },
  { name: "organizations", description: "Your organization, its members and their roles" },
  { name: "sso", description: "Single sign-on: the organization's OpenID Connect provider" },
  { name: "api-keys", description: "Keys for scripts and CI, limited to named scopes" },
  { name: "audit", description: "Who changed what, when and from where" },
  { name: "invitations", description: "Invite people by email into an organization with a role" },
  { name: "channels", description: "Where alerts go, which monitors use them, and every delivery" },
  { name: "maintenance", description: "Planned quiet periods: checks go on, no alerts" },
  { name: "status-pages", description: "Public status pages: settings, visibility, components" },
  {
    name: "config",
    description: "Config as code: the keys by which `upblit apply` finds the resources a file declares",
  },
  {
    name: "public",
    description: "What anyone may read without signing in: status pages' JSON, feeds, badges",
  },
  { name: "health", description: "Probes for orchestrators" },
  { name: "system", description: "The installation itself: its processes (owners of the installation)" },
  { name: "probe-tokens", description: "Tokens of remote probes (private locations), one region each" },
  {
    name: "probe",
    description: "The remote-probe protocol: assignments, slot claims and results (probe tokens only)",
  },
];

interface Response {
  description?: string;
  content?: Record<string, unknown>;
  $ref?: string;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, Response>;
}
interface Doc {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

type Finished = ReturnType<typeof jsonSchemaTransformObject>;

/** Problem responses by reference, only those an operation can give; success responses described. */
export function finishDocument(input: Finished): Finished {
  const doc = input as Doc;
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) finishOperation(path, operation);
  }
  doc.components = {
    ...doc.components,
    responses: Object.fromEntries(Object.values(PROBLEM_RESPONSES).map((p) => [p.name, p.response])),
  };
  unionOfChannelKinds(doc);
  return tidySchemas(doc) as Finished;
}

function finishOperation(path: string, operation: Operation): void {
  if (isPingOperation(operation.operationId)) {
    operation.responses = { ...PING_RESPONSES };
    return;
  }
  const responses: Record<string, Response> = { ...(operation.responses ?? {}) };
  const isPublic = operation.tags?.includes("public") ?? false;
  const isHealth = operation.tags?.includes("health") ?? false;
  if (isPublic) {
    const success = PUBLIC_SUCCESS[operation.operationId ?? ""];
    if (success) responses["200"] = success;
    responses["404"] = {};
  }
  const binary = BINARY_SUCCESS[operation.operationId ?? ""];
  if (binary) responses["200"] = binary;
  // Every request but the health probes counts against a rate limit; any may meet a database outage.
  if (!isHealth) {
    responses["429"] = {};
    responses["503"] = {};
  }
  const hasPathParams = path.includes("{");
  for (const status of Object.keys(responses)) {
    const code = Number(status);
    if (code < 400) {
      const r = responses[status]!;
      if (!r.description || r.description === "Default Response")
        r.description = SUCCESS_DESCRIPTIONS[status] ?? "OK";
      continue;
    }
    const cannot =
      ((code === 413 || code === 415) && !operation.requestBody) ||
      (code === 404 && !hasPathParams && !operation.requestBody);
    const shared = PROBLEM_RESPONSES[status];
    if (cannot) delete responses[status];
    else if (shared) responses[status] = { $ref: `#/components/responses/${shared.name}` };
    else responses[status] = asProblem(responses[status]!);
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** A problem status without a shared component: served as application/problem+json all the same. */
function asProblem(response: Response): Response {
  const json = response.content?.["application/json"];
  return {
    ...response,
    description: response.description === "Default Response" ? "A problem" : response.description,
    ...(json ? { content: { "application/problem+json": json } } : {}),
  };
}

/**
 * POST /api/v1/channels and PUT /api/v1/channels/by-key/{key} take one of the channel kinds, each
 * its own named schema (channels.ts).
 */
function unionOfChannelKinds(doc: Doc): void {
  type Op = { requestBody?: { content?: Record<string, { schema: Record<string, unknown> }> } } | undefined;
  const bodies = [
    (doc.paths?.["/api/v1/channels"]?.post as Op)?.requestBody?.content?.["application/json"],
    (doc.paths?.["/api/v1/channels/by-key/{key}"]?.put as Op)?.requestBody?.content?.["application/json"],
  ];
  const components = doc.components as { schemas?: Record<string, unknown> };
  for (const json of bodies) {
    if (!json) continue;
    const { body, schemas } = channelUnion(json.schema);
    json.schema = body;
    components.schemas = { ...components.schemas, ...schemas };
  }
}
