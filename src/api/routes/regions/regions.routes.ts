import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createRegion,
  deleteRegion,
  getRegion,
  listRegions,
  REGION_LIMITS,
  type RegionView,
  updateRegion,
} from "../../../services/regions/regions.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";

const TAGS = ["regions"];
const READ = { auth: { permission: "monitors:read" } } as const;
const ADMIN = { auth: { permission: "org:admin" } } as const;

const RegionName = z
  .string()
  .regex(/^[a-z0-9-]{1,32}$/, "must be 1-32 of a-z, 0-9 and -")
  .meta({ description: "The region's name: what monitors list in `regions` and probes run with (REGION)." });
const RegionKind = z
  .enum(["local", "remote"])
  .meta({ description: "`local`: probes run by this installation; `remote`: probes that run elsewhere." });
const Description = z.string().max(REGION_LIMITS.descriptionChars).nullable();
const Name = z.object({ name: RegionName });
const AllowPrivateTargets = z.boolean().meta({
  description:
    "Remote regions only (422 for a local one): its remote probes may check loopback and private-network targets of their own network. Cloud metadata addresses stay blocked. A probe's `--deny-private-targets` can only narrow it. Admins only, like every write here.",
});

const CreateRegionBody = z
  .strictObject({
    name: RegionName,
    kind: RegionKind.default("local"),
    description: Description.default(null),
    allowPrivateTargets: AllowPrivateTargets.default(false),
  })
  .meta({ id: "CreateRegionInput" });
const PatchRegionBody = z
  .strictObject({
    kind: RegionKind.optional(),
    description: Description.optional(),
    allowPrivateTargets: AllowPrivateTargets.optional(),
  })
  .meta({ id: "UpdateRegionInput", description: "The name is fixed: monitors and results hold it." });

export const RegionResponse = z
  .object({
    name: z.string(),
    kind: RegionKind,
    description: z.string().nullable(),
    allowPrivateTargets: AllowPrivateTargets,
    monitors: z.number().int().meta({ description: "Monitors of this organization checked from it" }),
    probes: z.number().int().meta({ description: "Probe processes of the region seen in the last 20 s" }),
    lastSeen: z
      .string()
      .nullable()
      .meta({ description: "When a probe of the region was last seen; null: never" }),
    status: z.enum(["live", "silent"]).meta({
      description:
        "`silent`: no live probe. Its monitors are not checked from it, and their quorum counts it as unknown (never down).",
    }),
    silentSince: z
      .string()
      .nullable()
      .meta({ description: "Since when it is silent with monitors to check (its admins were told then)" }),
    isDefault: z.boolean().meta({ description: "The server's own region (REGION): always declared" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Region" });

const present = (r: RegionView) => ({
  ...r,
  lastSeen: r.lastSeen?.toISOString() ?? null,
  silentSince: r.silentSince?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Regions: where monitors are checked from, with their probes' liveness (docs/regions.md). */
export function regionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/regions",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listRegions",
          summary: "List the organization's regions with their probes' liveness",
          description:
            "Every declared region, by name, and the server's own region (REGION), with how many monitors use it, how many probes are live, when one was last seen, and `silent` when none is.",
          response: { 200: z.object({ items: z.array(RegionResponse) }), ...COMMON_ERRORS },
        },
      },
      async (request) => ({ items: (await listRegions(ctxFor(deps, request))).map(present) }),
    );

    app.post(
      "/regions",
      {
        config: ADMIN,
        schema: {
          tags: TAGS,
          operationId: "createRegion",
          summary: "Declare a region",
          description: `Monitors may then be checked from it. At most ${REGION_LIMITS.perOrg} per organization; 409 when it is already declared.`,
          body: CreateRegionBody,
          response: { 201: RegionResponse, 409: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const region = await createRegion(ctxFor(deps, request), request.body);
        return reply.status(201).header("location", `/api/v1/regions/${region.name}`).send(present(region));
      },
    );

    app.get(
      "/regions/:name",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "getRegion",
          summary: "Get a region with its probes' liveness",
          params: Name,
          response: { 200: RegionResponse, ...COMMON_ERRORS },
        },
      },
      async (request) => present(await getRegion(ctxFor(deps, request), request.params.name)),
    );

    app.patch(
      "/regions/:name",
      {
        config: ADMIN,
        schema: {
          tags: TAGS,
          operationId: "updateRegion",
          summary: "Change a region's kind, description or private-target setting",
          params: Name,
          body: PatchRegionBody,
          response: { 200: RegionResponse, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        present(await updateRegion(ctxFor(deps, request), request.params.name, request.body)),
    );

    app.delete(
      "/regions/:name",
      {
        config: ADMIN,
        schema: {
          tags: TAGS,
          operationId: "deleteRegion",
          summary: "Remove a region no monitor uses",
          description: "409 while a monitor is checked from it, and for the server's own region.",
          params: Name,
          response: { 204: z.null(), 409: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteRegion(ctxFor(deps, request), request.params.name);
        return reply.status(204).send(null);
      },
    );
  };
}
