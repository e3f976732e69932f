import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  claimPageDomain,
  listPageDomains,
  MAX_DOMAINS_PER_PAGE,
  type PageDomain,
  removePageDomain,
  verifyPageDomain,
} from "../../../services/status-pages/domains.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";

/** Told after a domain is verified or released, so Host routing follows at once in this process. */
export interface DomainChanges {
  domainsChanged(): Promise<void>;
}

const PageParams = z.object({ id: z.string().max(40) });
const DomainParams = z.object({ id: z.string().max(40), domain: z.string().min(1).max(254) });
const ClaimBody = z.strictObject({
  domain: z.string().min(1).max(254).meta({
    description: "A hostname you control, e.g. status.acme.example.com",
    example: "status.acme.com",
  }),
});

const DomainResponse = z.object({
  domain: z.string(),
  pageId: z.string(),
  verified: z.boolean(),
  verifiedAt: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  createdAt: z.string(),
  verification: z.object({
    type: z.literal("TXT"),
    name: z.string().meta({ description: "Where to create the TXT record" }),
    value: z.string().meta({ description: "What the TXT record must hold" }),
  }),
});

function present(d: PageDomain): z.infer<typeof DomainResponse> {
  return {
    ...d,
    verifiedAt: d.verifiedAt?.toISOString() ?? null,
    lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

/** Custom domains of a status page: claim, prove by DNS TXT, release (docs/status-pages.md). */
export function statusPageDomainRoutes(deps: ApiDeps, changes: DomainChanges): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/status-pages/:id/domains",
      {
        config: { auth: { permission: "status-pages:read" } },
        schema: {
          tags: ["status-pages"],
          operationId: "listStatusPageDomains",
          summary: "The page's custom domains and their verification records",
          params: PageParams,
          response: { 200: z.object({ items: z.array(DomainResponse) }), ...COMMON_ERRORS },
        },
      },
      async (request) => ({
        items: (await listPageDomains(ctxFor(deps, request), request.params.id)).map(present),
      }),
    );

    app.post(
      "/status-pages/:id/domains",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "addStatusPageDomain",
          summary: "Claim a custom domain for the page",
          description: `The answer names the TXT record that proves the domain is yours; create it, then call \`…/verify\`. A domain claimed by any page (of any organization) is refused with 409. At most ${MAX_DOMAINS_PER_PAGE} domains per page.`,
          params: PageParams,
          body: ClaimBody,
          response: { 201: DomainResponse, 409: Problem, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const domain = await claimPageDomain(ctxFor(deps, request), request.params.id, request.body.domain);
        return reply.status(201).send(present(domain));
      },
    );

    app.post(
      "/status-pages/:id/domains/:domain/verify",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "verifyStatusPageDomain",
          summary: "Check the domain's TXT record and mark it verified",
          description:
            "Looks up the TXT records of `_upblit-challenge.<domain>`; when one holds the token the domain is verified and the page is served on it. Otherwise 422 with what was found.",
          params: DomainParams,
          response: { 200: DomainResponse, 422: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) => {
        try {
          return present(
            await verifyPageDomain(ctxFor(deps, request), request.params.id, request.params.domain),
          );
        } finally {
          await changes.domainsChanged();
        }
      },
    );

    app.delete(
      "/status-pages/:id/domains/:domain",
      {
        config: { auth: { permission: "status-pages:write" } },
        schema: {
          tags: ["status-pages"],
          operationId: "removeStatusPageDomain",
          summary: "Release a custom domain of the page",
          params: DomainParams,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await removePageDomain(ctxFor(deps, request), request.params.id, request.params.domain);
        await changes.domainsChanged();
        return reply.status(204).send(null);
      },
    );
  };
}
