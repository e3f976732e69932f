import { randomBytes } from "node:crypto";
import { CHALLENGE_LABEL, domainProblem, hostOf, normalizeDomain } from "../../domain/domain-name.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx, Runtime } from "../context.ts";
import { lookupChallenge } from "./domain-dns.ts";

/** Custom domains one page may claim. */
export const MAX_DOMAINS_PER_PAGE = 5;

/** A page's domain as the API shows it, with the TXT record that proves it. */
export interface PageDomain {
  domain: string;
  pageId: string;
  verified: boolean;
  verifiedAt: Date | null;
  lastCheckedAt: Date | null;
  createdAt: Date;
  verification: { type: "TXT"; name: string; value: string };
}

function view(row: {
  domain: string;
  page_id: string;
  verification_token: string;
  verified_at: Date | null;
  last_checked_at: Date | null;
  created_at: Date;
}): PageDomain {
  return {
    domain: row.domain,
    pageId: row.page_id,
    verified: row.verified_at !== null,
    verifiedAt: row.verified_at,
    lastCheckedAt: row.last_checked_at,
    createdAt: row.created_at,
    verification: { type: "TXT", name: `${CHALLENGE_LABEL}.${row.domain}`, value: row.verification_token },
  };
}

function domainTaken(): AppError {
  return new AppError("CONFLICT", "This domain is already claimed by a status page", {
    errors: [{ path: "body.domain", message: "is taken" }],
  });
}

/** The organization's page, locked for the rest of the transaction; another organization's is not found. */
async function lockPage(tx: Db, ctx: Ctx, pageId: string): Promise<void> {
  const row = await tx
    .selectFrom("status_pages")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", pageId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError("status page", pageId);
}

async function requireDomain(db: Db, ctx: Ctx, pageId: string, domain: string) {
  const row = await db
    .selectFrom("status_page_domains")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId)
    .where("domain", "=", normalizeDomain(domain))
    .executeTakeFirst();
  if (!row) throw new NotFoundError("domain", `${domain} on status page ${pageId}`);
  return row;
}

/** The page's domains, in the order they were claimed. NOT_FOUND for another organization's page. */
export async function listPageDomains(ctx: Ctx, pageId: string): Promise<PageDomain[]> {
  const page = await ctx.db
    .selectFrom("status_pages")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", pageId)
    .executeTakeFirst();
  if (!page) throw new NotFoundError("status page", pageId);
  const rows = await ctx.db
    .selectFrom("status_page_domains")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("page_id", "=", pageId)
    .orderBy("created_at")
    .orderBy("domain")
    .execute();
  return rows.map(view);
}

/**
 * Claims `input` for the page: unverified, with a fresh token for its TXT record. A domain
 * claimed by any page of any organization (verified or not), Upblit's own host, or a page's sixth
 * domain is refused.
 */
export async function claimPageDomain(ctx: Ctx, pageId: string, input: string): Promise<PageDomain> {
  const domain = normalizeDomain(input);
  const problem = domainProblem(domain);
  if (problem)
    throw new AppError("VALIDATION", "Invalid domain", {
      errors: [{ path: "body.domain", message: problem }],
    });
  if (domain === hostOf(new URL(ctx.auth.publicUrl).host)) {
    throw new AppError("VALIDATION", "Invalid domain", {
      errors: [{ path: "body.domain", message: "is Upblit's own address (PUBLIC_URL)" }],
    });
  }
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      await lockPage(tx, ctx, pageId);
      const taken = await tx
        .selectFrom("status_page_domains")
        .select("page_id")
        .where("domain", "=", domain)
        .executeTakeFirst();
      if (taken) throw domainTaken();
      const count = await tx
        .selectFrom("status_page_domains")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("organization_id", "=", ctx.organizationId)
        .where("page_id", "=", pageId)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_DOMAINS_PER_PAGE) {
        throw new AppError("LIMIT_EXCEEDED", `A status page has at most ${MAX_DOMAINS_PER_PAGE} domains`);
      }
      const row = {
        domain,
        page_id: pageId,
        organization_id: ctx.organizationId,
        verification_token: `upblit-verify-${randomBytes(24).toString("base64url")}`,
        verified_at: null,
        last_checked_at: null,
        created_at: new Date(ctx.clock.now()),
      };
      await tx.insertInto("status_page_domains").values(row).execute();
      await audit(tx, ctx, {
        action: "status_page.domain_add",
        target: { type: "status_page", id: pageId },
        summary: { domain },
      });
      return view(row);
    });
  } catch (err) {
    // Two claims racing for one domain: the primary key decides.
    if ((err as { code?: unknown }).code === "23505") throw domainTaken();
    throw err;
  }
}

/**
 * Looks up `_upblit-challenge.<domain>` (TXT) and marks the domain verified when a record holds
 * its token. Otherwise PRECONDITION_FAILED saying what was found; the lookup time is kept either way.
 * Verifying a verified domain again re-checks it: an answer without the token withdraws the proof
 * (the domain stops routing), a DNS failure changes nothing.
 */
export async function verifyPageDomain(ctx: Ctx, pageId: string, domain: string): Promise<PageDomain> {
  const row = await requireDomain(ctx.db, ctx, pageId, domain);
  const answer = await lookupChallenge(row.domain, ctx.statusPages?.domainResolver);
  const now = new Date(ctx.clock.now());
  const found = "records" in answer && answer.records.includes(row.verification_token);
  const verifiedAt = found ? (row.verified_at ?? now) : "error" in answer ? row.verified_at : null;
  const updated = await ctx.db.transaction().execute(async (tx) => {
    const next = await tx
      .updateTable("status_page_domains")
      .set({ last_checked_at: now, verified_at: verifiedAt })
      .where("organization_id", "=", ctx.organizationId)
      .where("domain", "=", row.domain)
      .returningAll()
      .executeTakeFirst();
    if (!next) throw new NotFoundError("domain", `${domain} on status page ${pageId}`);
    if ((verifiedAt === null) !== (row.verified_at === null)) {
      await audit(tx, ctx, {
        action: verifiedAt ? "status_page.domain_verify" : "status_page.domain_unverify",
        target: { type: "status_page", id: pageId },
        summary: { domain: row.domain },
      });
    }
    return next;
  });
  if (!found) {
    const seen =
      "records" in answer
        ? `${answer.records.length} TXT record(s), none with the token`
        : `DNS error ${answer.error}`;
    throw new AppError("PRECONDITION_FAILED", `${CHALLENGE_LABEL}.${row.domain}: ${seen}`, {
      errors: [{ path: "params.domain", message: "TXT record with the verification token not found" }],
    });
  }
  return view(updated);
}

/** Releases a domain of the page (verified or not); the page stops being served on it. */
export async function removePageDomain(ctx: Ctx, pageId: string, domain: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await requireDomain(tx, ctx, pageId, domain);
    await tx.deleteFrom("status_page_domains").where("domain", "=", row.domain).execute();
    await audit(tx, ctx, {
      action: "status_page.domain_remove",
      target: { type: "status_page", id: pageId },
      summary: { domain: row.domain },
    });
  });
}

/**
 * Every verified domain with the slug of its page, across organizations: what the public side
 * routes by Host header. Read-only and shows nothing but public addresses.
 */
export async function verifiedDomainSlugs(rt: Runtime): Promise<Array<{ domain: string; slug: string }>> {
  return rt.db
    .selectFrom("status_page_domains as d")
    .innerJoin("status_pages as p", "p.id", "d.page_id")
    .select(["d.domain as domain", "p.slug as slug"])
    .where("d.verified_at", "is not", null)
    .execute();
}
