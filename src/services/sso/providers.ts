import type { Selectable } from "kysely";
import { type GroupRole, isSsoRole, type SsoRole } from "../../domain/sso.ts";
import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { decryptSecret, encryptSecret } from "../../lib/keys.ts";
import type { Db } from "../../storage/db.ts";
import type { SsoProvidersTable } from "../../storage/schema-sso.ts";
import { audit } from "../audit/record.ts";
import type { Ctx, Runtime } from "../context.ts";
import { endPasswordSessionsOfMembers, turnsEnforcementOn } from "./enforce.ts";

/** An organization's provider as the API shows it: the client secret never leaves. */
export interface SsoProvider {
  id: string;
  organizationId: string;
  displayName: string;
  issuer: string;
  clientId: string;
  emailDomains: string[];
  scopes: string;
  groupsClaim: string;
  roleMapping: GroupRole[];
  defaultRole: SsoRole | null;
  jit: boolean;
  enforce: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface SaveSsoProviderInput {
  displayName: string;
  issuer: string;
  clientId: string;
  /** Required when there is no provider yet; left out: the stored one is kept. */
  clientSecret?: string;
  emailDomains: string[];
  scopes: string;
  groupsClaim: string;
  roleMapping: GroupRole[];
  defaultRole: SsoRole | null;
  jit: boolean;
  enforce: boolean;
  enabled: boolean;
}

/**
 * Checks that the provider answers as the issuer it claims (discovery), before anything is
 * saved; throws a VALIDATION AppError naming `body.issuer` when not. Handed in by the route.
 */
export type VerifyIssuer = (input: {
  issuer: string;
  clientId: string;
  clientSecret: string;
}) => Promise<void>;

type Row = Selectable<SsoProvidersTable>;

export function toProvider(row: Row): SsoProvider {
  return {
    id: row.id,
    organizationId: row.organization_id,
    displayName: row.display_name,
    issuer: row.issuer,
    clientId: row.client_id,
    emailDomains: row.email_domains,
    scopes: row.scopes,
    groupsClaim: row.groups_claim,
    roleMapping: row.role_mapping.flatMap((m) =>
      isSsoRole(m.role) ? [{ group: m.group, role: m.role }] : [],
    ),
    defaultRole: isSsoRole(row.default_role) ? row.default_role : null,
    jit: row.jit,
    enforce: row.enforce,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The organization's provider, or null when it has none. */
export async function getSsoProvider(ctx: Ctx): Promise<SsoProvider | null> {
  const row = await ctx.db
    .selectFrom("sso_providers")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .executeTakeFirst();
  return row ? toProvider(row) : null;
}

/** A provider by id with its decrypted client secret, for a sign-in; null when unknown or off. */
export async function loadEnabledProvider(
  rt: Runtime,
  id: string,
): Promise<(SsoProvider & { clientSecret: string; organizationName: string }) | null> {
  const row = await rt.db
    .selectFrom("sso_providers as p")
    .innerJoin("organizations as o", "o.id", "p.organization_id")
    .selectAll("p")
    .select("o.name as organization_name")
    .where("p.id", "=", id)
    .where("p.enabled", "=", true)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ...toProvider(row),
    clientSecret: decryptSecret(rt.keys.encryption, row.client_secret),
    organizationName: row.organization_name,
  };
}

/**
 * Creates or replaces the organization's provider. The issuer is checked (discovery through the
 * SSRF-safe client) before saving; the client secret is stored encrypted. Audited without secrets.
 * Turning enforcement on ends members' password sessions in the same transaction (enforce.ts).
 */
export async function saveSsoProvider(
  ctx: Ctx,
  input: SaveSsoProviderInput,
  verifyIssuer: VerifyIssuer,
): Promise<SsoProvider> {
  const existing = await ctx.db
    .selectFrom("sso_providers")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .executeTakeFirst();
  const secret =
    input.clientSecret ?? (existing ? decryptSecret(ctx.keys.encryption, existing.client_secret) : undefined);
  if (!secret) {
    throw new AppError("VALIDATION", "A client secret is needed for a new provider", {
      errors: [{ path: "body.clientSecret", message: "is required" }],
    });
  }
  await verifyIssuer({ issuer: input.issuer, clientId: input.clientId, clientSecret: secret });
  const now = new Date(ctx.clock.now());
  const values = {
    display_name: input.displayName,
    issuer: input.issuer,
    client_id: input.clientId,
    client_secret: encryptSecret(ctx.keys.encryption, secret),
    email_domains: JSON.stringify(input.emailDomains.map((d) => d.toLowerCase())),
    scopes: input.scopes,
    groups_claim: input.groupsClaim,
    role_mapping: JSON.stringify(input.roleMapping),
    default_role: input.defaultRole,
    jit: input.jit,
    enforce: input.enforce,
    enabled: input.enabled,
    updated_at: now,
  };
  return ctx.db.transaction().execute(async (tx) => {
    const id = existing?.id ?? newId("sso");
    if (existing) {
      await tx.updateTable("sso_providers").set(values).where("id", "=", id).execute();
    } else {
      await tx
        .insertInto("sso_providers")
        .values({ ...values, id, organization_id: ctx.organizationId, created_at: now })
        .execute();
    }
    const sessionsEnded = turnsEnforcementOn(existing, input)
      ? await endPasswordSessionsOfMembers(tx, ctx.organizationId, ctx.actor, now.getTime())
      : 0;
    await audit(tx, ctx, {
      action: existing ? "sso.provider_update" : "sso.provider_create",
      target: { type: "sso_provider", id },
      summary: {
        ...auditView(input),
        clientSecretChanged: input.clientSecret !== undefined,
        ...(existing ? { before: auditView(toProvider(existing)) } : {}),
        ...(sessionsEnded > 0 ? { sessionsEnded } : {}),
      },
    });
    return toProvider(await readProvider(tx, id));
  });
}

export async function deleteSsoProvider(ctx: Ctx): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const gone = await tx
      .deleteFrom("sso_providers")
      .where("organization_id", "=", ctx.organizationId)
      .returning(["id", "issuer"])
      .executeTakeFirst();
    if (!gone) throw new AppError("NOT_FOUND", "This organization has no single sign-on provider");
    await audit(tx, ctx, {
      action: "sso.provider_delete",
      target: { type: "sso_provider", id: gone.id },
      summary: { issuer: gone.issuer },
    });
  });
}

async function readProvider(db: Db, id: string): Promise<Row> {
  return db.selectFrom("sso_providers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

function auditView(p: Omit<SaveSsoProviderInput, "clientSecret">) {
  return {
    displayName: p.displayName,
    issuer: p.issuer,
    clientId: p.clientId,
    emailDomains: p.emailDomains,
    scopes: p.scopes,
    groupsClaim: p.groupsClaim,
    roleMapping: p.roleMapping,
    defaultRole: p.defaultRole,
    jit: p.jit,
    enforce: p.enforce,
    enabled: p.enabled,
  };
}
