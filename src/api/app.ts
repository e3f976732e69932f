import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { newId } from "../lib/ids.ts";
import type { Logger } from "../lib/logger.ts";
import { maskApiKeys } from "../services/auth/api-key-format.ts";
import { domainCheckRoutes } from "../status/domain-check.routes.ts";
import { DomainDirectory } from "../status/domains.ts";
import { createStatusPages } from "../status/index.ts";
import type { ApiDeps } from "./context.ts";
import { cookieNames } from "./cookies.ts";
import { swaggerOptions } from "./openapi/document.ts";
import { registerAuth } from "./plugins/auth.ts";
import { registerErrorHandling, sendProblem } from "./plugins/errors.ts";
import { registerIdempotency } from "./plugins/idempotency.ts";
import { registerJsonBody } from "./plugins/json-body.ts";
import { registerRateLimits } from "./plugins/rate-limit.ts";
import { problemFor } from "./problem.ts";
import { alertRuleRoutes } from "./routes/alert-rules/alert-rules.routes.ts";
import { alertRuleByKeyRoutes } from "./routes/alert-rules/by-key.routes.ts";
import { apiKeyRoutes } from "./routes/api-keys/api-keys.routes.ts";
import { auditRoutes } from "./routes/audit/audit.routes.ts";
import { authRoutes } from "./routes/auth/auth.routes.ts";
import { mfaRoutes } from "./routes/auth/mfa.routes.ts";
import { recoveryRoutes } from "./routes/auth/recovery.routes.ts";
import { setupRoutes } from "./routes/auth/setup.routes.ts";
import { channelByKeyRoutes } from "./routes/channels/by-key.routes.ts";
import { channelRoutes } from "./routes/channels/channels.routes.ts";
import { deliveryRoutes } from "./routes/channels/deliveries.routes.ts";
import { channelPreviewRoutes } from "./routes/channels/preview.routes.ts";
import { healthRoutes } from "./routes/health.routes.ts";
import { pingRoutes } from "./routes/heartbeats/ping.routes.ts";
import { pingKeyRoutes } from "./routes/heartbeats/ping-key.routes.ts";
import { pingListRoutes } from "./routes/heartbeats/pings.routes.ts";
import { historyRoutes } from "./routes/history.routes.ts";
import { ackPageRoutes } from "./routes/incidents/ack-page.routes.ts";
import { acknowledgeRoutes } from "./routes/incidents/acknowledge.routes.ts";
import { incidentRoutes } from "./routes/incidents/incidents.routes.ts";
import { invitationRoutes } from "./routes/invitations/invitations.routes.ts";
import { liveRoutes } from "./routes/live.routes.ts";
import { maintenanceByKeyRoutes } from "./routes/maintenance/by-key.routes.ts";
import { maintenanceCalendarRoutes } from "./routes/maintenance/calendar.routes.ts";
import { maintenanceRoutes } from "./routes/maintenance/maintenance.routes.ts";
import { metricsRoutes } from "./routes/metrics.routes.ts";
import { monitorBulkRoutes } from "./routes/monitors/bulk.routes.ts";
import { monitorByKeyRoutes } from "./routes/monitors/by-key.routes.ts";
import { drillRoutes } from "./routes/monitors/drill.routes.ts";
import { monitorRoutes } from "./routes/monitors/monitors.routes.ts";
import { silenceRoutes } from "./routes/monitors/silence.routes.ts";
import { monitorTypeRoutes } from "./routes/monitors/types.routes.ts";
import { organizationRoutes } from "./routes/organizations/organizations.routes.ts";
import { probeRoutes } from "./routes/probe/probe.routes.ts";
import { probeTokenRoutes } from "./routes/probe-tokens/probe-tokens.routes.ts";
import { regionRoutes } from "./routes/regions/regions.routes.ts";
import { resourceKeyRoutes } from "./routes/resource-keys/resource-keys.routes.ts";
import { setupPageRoutes } from "./routes/setup-page.routes.ts";
import { ssoRoutes } from "./routes/sso/sso.routes.ts";
import { ssoLoginRoutes } from "./routes/sso/sso-login.routes.ts";
import { statusPageByKeyRoutes } from "./routes/status-pages/by-key.routes.ts";
import { statusPageDomainRoutes } from "./routes/status-pages/domains.routes.ts";
import { statusIncidentRoutes } from "./routes/status-pages/incidents.routes.ts";
import { statusPageReportRoutes } from "./routes/status-pages/reports.routes.ts";
import { statusPageRoutes } from "./routes/status-pages/status-pages.routes.ts";
import { statusPageSubscriberRoutes } from "./routes/status-pages/subscribers.routes.ts";
import { statusPageWebhookRoutes } from "./routes/status-pages/webhooks.routes.ts";
import { systemRoutes } from "./routes/system/processes.routes.ts";
import { registerWeb } from "./web.ts";

const VERSION = process.env.npm_package_version ?? "0.1.0";

/** Log levels at which debug lines are written. */
const VERBOSE_LEVELS = new Set(["debug", "trace"]);

declare module "fastify" {
  interface FastifyContextConfig {
    /** `failures`: the request line of a response below 400 is logged at debug, not info. */
    requestLog?: "all" | "failures";
  }
}

/**
 * Builds the HTTP app: REST API under /api/v1, OpenAPI at /api/openapi.json, docs at /api/docs,
 * health at /healthz and /readyz, the dashboard at / (web.ts). The same zod schemas validate requests and generate the document.
 */
export async function buildApp(deps: ApiDeps, log: Logger): Promise<FastifyInstance> {
  // Status pages on their custom domains are routed by Host before a route is picked.
  const domains = new DomainDirectory(deps.rt);
  await domains.start();
  const app = Fastify({
    rewriteUrl: (req) => domains.rewrite(req.headers.host, req.url ?? "/"),
    // pino's Logger is a FastifyBaseLogger; the generic only differs in custom-level typing.
    loggerInstance: log.child({ category: "api" }) as FastifyBaseLogger,
    bodyLimit: deps.limits.bodyLimitBytes,
    trustProxy: deps.trustProxy,
    genReqId: () => newId("req"),
    requestIdHeader: false,
    // Signed acknowledge links carry their token in the path (/ack/<token>, about 240 characters).
    routerOptions: { maxParamLength: 600 },
    // One canonical line per request, written in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    // Reject `__proto__` and `constructor.prototype` keys in JSON bodies outright.
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    // Errors raised before routing (an undecodable URL) still get a problem body and a request id.
    frameworkErrors: (error, request, reply) => {
      reply.header("x-request-id", request.id);
      return sendProblem(reply, problemFor("VALIDATION", String(request.id), error.message));
    },
  }).withTypeProvider<ZodTypeProvider>();

  // JSON only: a text/plain body is refused with 415 instead of failing validation.
  app.removeContentTypeParser("text/plain");
  // UTF-8 only, nesting bounded: see docs/api.md#limits.
  registerJsonBody(app);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Hooks every request passes are callback-style: no promise and no extra tick when they are done at once.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    // Routes that answer from memory at high rates (public status pages) log their successes at debug.
    const quiet = request.routeOptions.config.requestLog === "failures" && reply.statusCode < 400;
    if (quiet && !VERBOSE_LEVELS.has(request.log.level)) return done();
    request.log[quiet ? "debug" : "info"](
      {
        method: request.method,
        url: redactQuery(request.url),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
      },
      "request",
    );
    done();
  });
  const web = await registerWeb(app, deps.webRoot);
  registerErrorHandling(app, web.fallback);
  await app.register(cookie);
  registerAuth(app, deps);
  registerRateLimits(app, deps);
  registerIdempotency(app, deps);

  await app.register(swagger, swaggerOptions(VERSION));
  await app.register(swaggerUi, { routePrefix: "/api/docs" });

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(deps));
  await app.register(metricsRoutes(deps));
  await app.register(setupPageRoutes(deps));
  await app.register(setupRoutes(deps), { prefix: "/api/v1" });
  await app.register(authRoutes(deps), { prefix: "/api/v1" });
  await app.register(mfaRoutes(deps), { prefix: "/api/v1" });
  await app.register(recoveryRoutes(deps), { prefix: "/api/v1" });
  await app.register(ssoLoginRoutes(deps), { prefix: "/api/v1" });
  await app.register(ssoRoutes(deps), { prefix: "/api/v1" });
  await app.register(monitorRoutes(deps), { prefix: "/api/v1" });
  await app.register(monitorTypeRoutes(deps), { prefix: "/api/v1" });
  await app.register(monitorBulkRoutes(deps), { prefix: "/api/v1" });
  await app.register(historyRoutes(deps), { prefix: "/api/v1" });
  await app.register(liveRoutes(deps), { prefix: "/api/v1" });
  await app.register(apiKeyRoutes(deps), { prefix: "/api/v1" });
  await app.register(auditRoutes(deps), { prefix: "/api/v1" });
  await app.register(systemRoutes(deps), { prefix: "/api/v1" });
  await app.register(probeTokenRoutes(deps), { prefix: "/api/v1" });
  await app.register(probeRoutes(deps), { prefix: "/api/v1" });
  await app.register(organizationRoutes(deps), { prefix: "/api/v1" });
  await app.register(invitationRoutes(deps), { prefix: "/api/v1" });
  await app.register(channelRoutes(deps), { prefix: "/api/v1" });
  await app.register(deliveryRoutes(deps), { prefix: "/api/v1" });
  await app.register(silenceRoutes(deps), { prefix: "/api/v1" });
  await app.register(channelPreviewRoutes(deps), { prefix: "/api/v1" });
  await app.register(drillRoutes(deps), { prefix: "/api/v1" });
  await app.register(pingListRoutes(deps), { prefix: "/api/v1" });
  await app.register(pingKeyRoutes(deps), { prefix: "/api/v1" });
  await app.register(pingRoutes(deps));
  const statusPages = createStatusPages({
    rt: deps.rt,
    publicUrl: deps.auth.publicUrl,
    secureCookies: deps.auth.secureCookies,
    memberCookie: cookieNames(deps.auth.secureCookies).access,
    requestsPerIp: deps.rateLimits.settings.status?.perIp,
  });
  app.addHook("onClose", async () => domains.close());
  const pageChanges = {
    pageChanged: (pageId: string) => {
      statusPages.pageChanged(pageId);
      void domains.refresh();
    },
  };
  await app.register(statusPageRoutes(deps, pageChanges), { prefix: "/api/v1" });
  await app.register(statusIncidentRoutes(deps), { prefix: "/api/v1" });
  await app.register(statusPageDomainRoutes(deps, { domainsChanged: () => domains.refresh() }), {
    prefix: "/api/v1",
  });
  await app.register(statusPageReportRoutes(deps), { prefix: "/api/v1" });
  await app.register(statusPageSubscriberRoutes(deps), { prefix: "/api/v1" });
  await app.register(statusPageWebhookRoutes(deps), { prefix: "/api/v1" });
  await app.register(domainCheckRoutes(domains));
  await app.register(statusPages.routes);
  await app.register(alertRuleRoutes(deps), { prefix: "/api/v1" });
  await app.register(resourceKeyRoutes(deps), { prefix: "/api/v1" });
  await app.register(monitorByKeyRoutes(deps), { prefix: "/api/v1" });
  await app.register(channelByKeyRoutes(deps), { prefix: "/api/v1" });
  await app.register(alertRuleByKeyRoutes(deps), { prefix: "/api/v1" });
  await app.register(maintenanceByKeyRoutes(deps), { prefix: "/api/v1" });
  await app.register(statusPageByKeyRoutes(deps, pageChanges), { prefix: "/api/v1" });
  await app.register(acknowledgeRoutes(deps), { prefix: "/api/v1" });
  await app.register(incidentRoutes(deps), { prefix: "/api/v1" });
  await app.register(ackPageRoutes(deps));
  await app.register(maintenanceRoutes(deps), { prefix: "/api/v1" });
  await app.register(regionRoutes(deps), { prefix: "/api/v1" });
  await app.register(maintenanceCalendarRoutes(deps), { prefix: "/api/v1" });
  return app;
}

/**
 * Query values never reach the log: they may carry a token someone put there by mistake. Neither
 * does the token of an acknowledge link (/ack/<token>), nor anything shaped like an API key
 * anywhere in the path.
 */
function redactQuery(rawUrl: string): string {
  const url = maskApiKeys(rawUrl.replace(/^\/ack\/[^/?#]+/, "/ack/…"));
  const q = url.indexOf("?");
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) params.set(key, "…");
  return `${url.slice(0, q)}?${params.toString()}`;
}
