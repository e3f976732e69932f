import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { normalizeDomain } from "../domain/domain-name.ts";
import { AppError } from "../lib/errors.ts";
import type { DomainDirectory } from "./domains.ts";

const Query = z.object({ domain: z.string().min(1).max(254) });

/**
 * GET /status-domains/check?domain=…: 200 when the domain is a verified custom domain of a status
 * page, 404 otherwise. It is what a TLS proxy asks before getting a certificate on demand (Caddy's
 * `on_demand_tls { ask … }`), so certificates are only requested for proven domains. It reveals
 * nothing that DNS does not: a verified domain has its proof in a public TXT record.
 */
export function domainCheckRoutes(directory: DomainDirectory): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/status-domains/check",
      { config: { auth: "public" }, schema: { hide: true, querystring: Query } },
      async (request, reply) => {
        if (!directory.isVerified(normalizeDomain(request.query.domain))) {
          throw new AppError("NOT_FOUND", "Not a verified status page domain");
        }
        return reply.type("text/plain; charset=utf-8").header("cache-control", "no-store").send("ok");
      },
    );
  };
}
