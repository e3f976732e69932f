import { sql } from "kysely";
import { AppError, type FieldIssue, NotFoundError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { type RegionLiveness, regionLiveness } from "./presence.ts";

export const REGION_LIMITS = { perOrg: 50, descriptionChars: 500 } as const;

export type RegionKind = "local" | "remote";

/** A declared region with what is known of its probes right now. */
export interface RegionView {
  name: string;
  kind: RegionKind;
  description: string | null;
  /**
   * Remote regions: their probes may check loopback and private-network targets of their own
   * network (cloud metadata stays blocked). Always false for local regions (the server's
   * ALLOW_PRIVATE_TARGETS decides for its own probes).
   */
  allowPrivateTargets: boolean;
  /** Monitors of the organization that are checked from it. */
  monitors: number;
  /** Probe processes seen within the last PRESENCE_STALE_MS. */
  probes: number;
  lastSeen: Date | null;
  /** `live` with a live probe; `silent` without one (its monitors count it as unknown). */
  status: "live" | "silent";
  /** When the region was found silent and its admins were told; null while live. */
  silentSince: Date | null;
  /** The server's own region (REGION): always declared, cannot be deleted. */
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  name: string;
  kind: RegionKind;
  description: string | null;
  allow_private_targets: boolean;
  silent_since: Date | null;
  created_at: Date;
  updated_at: Date;
};

function view(ctx: Ctx, r: Row, monitors: number, live: RegionLiveness | undefined): RegionView {
  const probes = live?.probes ?? 0;
  return {
    name: r.name,
    kind: r.kind,
    description: r.description,
    allowPrivateTargets: r.allow_private_targets,
    monitors,
    probes,
    lastSeen: live?.lastSeen ?? null,
    status: probes > 0 ? "live" : "silent",
    silentSince: r.silent_since,
    isDefault: r.name === ctx.region,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function rows(db: Db, organizationId: string, name?: string): Promise<Row[]> {
  let q = db
    .selectFrom("regions")
    .select([
      "name",
      "kind",
      "description",
      "allow_private_targets",
      "silent_since",
      "created_at",
      "updated_at",
    ])
    .where("organization_id", "=", organizationId)
    .orderBy("name");
  if (name !== undefined) q = q.where("name", "=", name);
  return q.execute();
}

/** The server's region as it stands before anything declared it: listed, never stored until used. */
function implicitDefault(ctx: Ctx): Row {
  const at = new Date(0);
  return {
    name: ctx.region,
    kind: "local",
    description: null,
    allow_private_targets: false,
    silent_since: null,
    created_at: at,
    updated_at: at,
  };
}

async function monitorCounts(db: Db, organizationId: string): Promise<Map<string, number>> {
  const counts = await sql<{ name: string; n: number }>`
    SELECT r.name, count(*)::int AS n
    FROM monitors m CROSS JOIN LATERAL unnest(m.regions) AS r(name)
    WHERE m.organization_id = ${organizationId}
    GROUP BY r.name
  `.execute(db);
  return new Map(counts.rows.map((c) => [c.name, Number(c.n)]));
}

/** The organization's regions by name, the server's own among them, each with its probes. */
export async function listRegions(ctx: Ctx): Promise<RegionView[]> {
  const declared = await rows(ctx.db, ctx.organizationId);
  if (!declared.some((r) => r.name === ctx.region)) declared.unshift(implicitDefault(ctx));
  declared.sort((a, b) => a.name.localeCompare(b.name));
  const [counts, live] = await Promise.all([
    monitorCounts(ctx.db, ctx.organizationId),
    regionLiveness(
      ctx.db,
      ctx.clock.now(),
      ctx.organizationId,
      declared.map((r) => r.name),
    ),
  ]);
  return declared.map((r) => view(ctx, r, counts.get(r.name) ?? 0, live.get(r.name)));
}

export async function getRegion(ctx: Ctx, name: string): Promise<RegionView> {
  const found =
    (await rows(ctx.db, ctx.organizationId, name))[0] ??
    (name === ctx.region ? implicitDefault(ctx) : undefined);
  if (!found) throw new NotFoundError("region", name);
  const [counts, live] = await Promise.all([
    monitorCounts(ctx.db, ctx.organizationId),
    regionLiveness(ctx.db, ctx.clock.now(), ctx.organizationId, [name]),
  ]);
  return view(ctx, found, counts.get(name) ?? 0, live.get(name));
}

export interface RegionInput {
  name: string;
  kind: RegionKind;
  description: string | null;
  allowPrivateTargets?: boolean;
}

/** Private targets are a remote region's setting: a local region's probes follow the server's. */
function assertPrivateTargetsFit(kind: RegionKind, allow: boolean | undefined): void {
  if (allow && kind !== "remote") {
    throw new AppError("PRECONDITION_FAILED", "Only a remote region can allow private targets", {
      errors: [
        {
          path: "body.allowPrivateTargets",
          message: "must be false for a local region (its probes follow ALLOW_PRIVATE_TARGETS)",
        },
      ],
    });
  }
}

/** Declares a region (409 when it exists); audited. */
export async function createRegion(ctx: Ctx, input: RegionInput): Promise<RegionView> {
  assertPrivateTargetsFit(input.kind, input.allowPrivateTargets);
  const { allowPrivateTargets, ...fields } = input;
  const now = new Date(ctx.clock.now());
  await ctx.db.transaction().execute(async (tx) => {
    const count = await tx
      .selectFrom("regions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", ctx.organizationId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= REGION_LIMITS.perOrg) {
      throw new AppError(
        "LIMIT_EXCEEDED",
        `An organization may declare at most ${REGION_LIMITS.perOrg} regions`,
      );
    }
    const inserted = await tx
      .insertInto("regions")
      .values({
        organization_id: ctx.organizationId,
        ...fields,
        allow_private_targets: allowPrivateTargets ?? false,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["organization_id", "name"]).doNothing())
      .returning("name")
      .executeTakeFirst();
    if (!inserted) throw new AppError("CONFLICT", `Region ${input.name} is already declared`);
    await audit(tx, ctx, {
      action: "region.create",
      target: { type: "region", id: input.name },
      summary: { ...input },
    });
  });
  return getRegion(ctx, input.name);
}

/** Changes a region's kind or description (its name is what monitors and results hold: fixed). */
export async function updateRegion(
  ctx: Ctx,
  name: string,
  patch: { kind?: RegionKind; description?: string | null; allowPrivateTargets?: boolean },
): Promise<RegionView> {
  const now = new Date(ctx.clock.now());
  await ctx.db.transaction().execute(async (tx) => {
    if (name === ctx.region) await declareDefault(tx, ctx);
    const current = await tx
      .selectFrom("regions")
      .select(["kind", "allow_private_targets"])
      .where("organization_id", "=", ctx.organizationId)
      .where("name", "=", name)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new NotFoundError("region", name);
    const { allowPrivateTargets, ...fields } = patch;
    const kind = fields.kind ?? current.kind;
    // Turning a region local turns its private targets off with it.
    const allow = kind === "remote" ? (allowPrivateTargets ?? current.allow_private_targets) : false;
    assertPrivateTargetsFit(kind, allowPrivateTargets);
    const updated = await tx
      .updateTable("regions")
      .set({ ...fields, allow_private_targets: allow, updated_at: now })
      .where("organization_id", "=", ctx.organizationId)
      .where("name", "=", name)
      .returning("name")
      .executeTakeFirst();
    if (!updated) throw new NotFoundError("region", name);
    await audit(tx, ctx, {
      action: "region.update",
      target: { type: "region", id: name },
      summary: { fields: Object.keys(patch).sort() },
    });
  });
  return getRegion(ctx, name);
}

/** Removes a region no monitor uses; the server's own region stays. */
export async function deleteRegion(ctx: Ctx, name: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    if (name === ctx.region) {
      throw new AppError(
        "CONFLICT",
        `Region ${name} is the server's own region (REGION): it cannot be deleted`,
      );
    }
    const found = await tx
      .selectFrom("regions")
      .select("name")
      .where("organization_id", "=", ctx.organizationId)
      .where("name", "=", name)
      .forUpdate()
      .executeTakeFirst();
    if (!found) throw new NotFoundError("region", name);
    const users = await tx
      .selectFrom("monitors")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", ctx.organizationId)
      .where(sql<boolean>`${name} = any(regions)`)
      .executeTakeFirstOrThrow();
    if (Number(users.n) > 0) {
      throw new AppError("CONFLICT", `Region ${name} is used by ${users.n} monitor(s): move them first`, {
        monitors: Number(users.n),
      });
    }
    await tx
      .deleteFrom("regions")
      .where("organization_id", "=", ctx.organizationId)
      .where("name", "=", name)
      .execute();
    await audit(tx, ctx, { action: "region.delete", target: { type: "region", id: name } });
  });
}

async function declareDefault(tx: Db, ctx: Ctx): Promise<void> {
  const now = new Date(ctx.clock.now());
  await tx
    .insertInto("regions")
    .values({
      organization_id: ctx.organizationId,
      name: ctx.region,
      kind: "local",
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(["organization_id", "name"]).doNothing())
    .execute();
}

/**
 * Refuses regions the organization has not declared, one issue per region at its place in the
 * body (`body.regions.1`). The server's own region is always declared: naming it declares it.
 */
export async function assertRegionsDeclared(tx: Db, ctx: Ctx, regions: readonly string[]): Promise<void> {
  if (regions.includes(ctx.region)) await declareDefault(tx, ctx);
  const found = await tx
    .selectFrom("regions")
    .select("name")
    .where("organization_id", "=", ctx.organizationId)
    .where(sql<boolean>`name = any(${[...regions]}::text[])`)
    .forKeyShare()
    .execute();
  const declared = new Set(found.map((r) => r.name));
  const errors: FieldIssue[] = [];
  regions.forEach((region, i) => {
    if (!declared.has(region)) {
      errors.push({
        path: `body.regions.${i}`,
        message: `region ${region} is not declared in this organization (POST /api/v1/regions)`,
      });
    }
  });
  if (errors.length > 0)
    throw new AppError("PRECONDITION_FAILED", "These regions are not declared", { errors });
}
