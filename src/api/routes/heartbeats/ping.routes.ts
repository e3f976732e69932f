import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import { PING_KEY, PING_SLUG, PING_TOKEN } from "../../../monitor-types/heartbeat/settings.ts";
import {
  PING_BODY_LIMIT,
  type PingSignal,
  type PingTarget,
  receivePing,
} from "../../../services/heartbeats/receive.ts";
import type { ApiDeps } from "../../context.ts";
import { readCapped } from "./capped-body.ts";

/** Pings a client may send per minute: from one address, and to one monitor (per API process). */
export const PING_LIMITS = { perIpPerMinute: 600, perTokenPerMinute: 120 } as const;
const RID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The public ping endpoint of heartbeat monitors, with Healthchecks' paths and answers, so its
 * users' one-liners work with the base URL changed (docs/heartbeats.md): `/ping/{token}` plus
 * `/start`, `/fail`, `/log` or `/{exit status}`; GET, HEAD and POST; `?rid=` pairs a start with
 * its end. The answer is `OK`, or `not found` (404) for a token no monitor has: nothing more.
 */
export function pingRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const perIp = new RateLimiterMemory({ points: PING_LIMITS.perIpPerMinute, duration: 60 });
  const perToken = new RateLimiterMemory({ points: PING_LIMITS.perTokenPerMinute, duration: 60 });
  return async (app) => {
    // Any content type: a ping body is stored as text, whatever the job sends (curl's
    // --data-raw sends a form type). Read up to the limit, the rest drained and dropped.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", (_request, payload, done) => {
      readCapped(payload, PING_BODY_LIMIT).then(
        (body) => done(null, body),
        (err: Error) => done(err, undefined),
      );
    });

    /** Answers one ping once `locate` said which monitor it is for and with which signal. */
    const answer = async (
      request: FastifyRequest,
      reply: FastifyReply,
      located: { target: PingTarget; signal: PingSignal; limitKey: string } | undefined,
    ) => {
      reply.header("ping-body-limit", String(PING_BODY_LIMIT)).type("text/plain; charset=utf-8");
      if (!located) return reply.code(404).send("not found");
      const refusedFor = (await refuse(perIp, request.ip)) ?? (await refuse(perToken, located.limitKey));
      if (refusedFor !== undefined) {
        return reply.code(429).header("retry-after", String(refusedFor)).send("rate limited");
      }
      const query = request.query as Record<string, unknown>;
      const rid = typeof query.rid === "string" && RID.test(query.rid) ? query.rid : null;
      const body = bodyOf(request);
      const ua = request.headers["user-agent"];
      const found = await receivePing(deps.rt, {
        target: located.target,
        signal: located.signal,
        rid,
        method: request.method,
        sourceIp: request.ip,
        userAgent: typeof ua === "string" ? ua.slice(0, 500) : null,
        body: body.text,
        bodyBytes: body.bytes,
      });
      if (found) return reply.send("OK");
      // Through the API (a key named the organization), an unknown slug is a problem like any other.
      if ("organizationId" in located.target)
        throw new AppError("NOT_FOUND", "No heartbeat monitor has this slug");
      return reply.code(404).send("not found");
    };

    const byToken = (token: string, raw: string | undefined) => {
      const signal = parseSignal(raw);
      return signal && PING_TOKEN.test(token) ? { target: { token }, signal, limitKey: token } : undefined;
    };
    const byKey = (pingKey: string, slug: string, raw: string | undefined) => {
      const signal = parseSignal(raw);
      return signal && PING_KEY.test(pingKey) && PING_SLUG.test(slug)
        ? { target: { pingKey, slug }, signal, limitKey: `${pingKey}/${slug}` }
        : undefined;
    };

    for (const method of ["GET", "POST"] as const) {
      const suffix = method === "GET" ? "" : "Post";
      const common = { method, config: { auth: "public" as const } };
      const doc = (operationId: string, summary: string, params: z.ZodObject) => ({
        tags: ["public"],
        operationId: `${operationId}${suffix}`,
        summary: `${summary}${method === "POST" ? " (with a body)" : ""}`,
        description: PING_DOC,
        params,
      });
      app.route({
        ...common,
        url: "/ping/:token",
        schema: doc("pingHeartbeat", "Ping a heartbeat monitor: success", TokenParams),
        handler: (request, reply) => {
          const { token } = request.params as { token: string };
          return answer(request, reply, byToken(token, undefined));
        },
      });
      app.route({
        ...common,
        url: "/ping/:token/:signal",
        schema: doc(
          "pingHeartbeatSignal",
          "Ping a heartbeat monitor with a signal, or by its slug with the ping key",
          SignalParams,
        ),
        handler: (request, reply) => {
          const { token, signal } = request.params as { token: string; signal: string };
          // A token and a ping key differ in length: the second part is a signal or a slug.
          const located = PING_KEY.test(token) ? byKey(token, signal, undefined) : byToken(token, signal);
          return answer(request, reply, located);
        },
      });
      app.route({
        ...common,
        url: "/ping/:token/:slug/:signal",
        schema: doc(
          "pingHeartbeatSlugSignal",
          "Ping a heartbeat monitor by its slug, with a signal",
          SlugSignalParams,
        ),
        handler: (request, reply) => {
          const p = request.params as { token: string; slug: string; signal: string };
          return answer(request, reply, byKey(p.token, p.slug, p.signal));
        },
      });
      // With an API key (scope heartbeats:write) or a session: the organization is the credential's.
      for (const url of ["/api/v1/ping/:slug", "/api/v1/ping/:slug/:signal"]) {
        const withSignal = url.endsWith(":signal");
        app.route({
          method,
          url,
          config: { auth: { permission: "heartbeats:write" } },
          schema: {
            tags: ["monitors"],
            operationId: `pingHeartbeatBySlug${withSignal ? "Signal" : ""}${suffix}`,
            summary: withSignal
              ? "Ping a heartbeat monitor of this organization by its slug, with a signal"
              : "Ping a heartbeat monitor of this organization by its slug: success",
            description:
              "The same signals and answers as the public `/ping/…` URLs (docs/heartbeats.md), for a job that holds an API key instead of a ping token: `200 OK` (text), or a problem.",
            params: withSignal ? ApiSignalParams : ApiSlugParams,
          },
          handler: (request, reply) => {
            const { slug, signal } = request.params as { slug: string; signal?: string };
            const parsed = parseSignal(signal);
            const organizationId = request.orgCtx!.organizationId;
            if (!parsed || !PING_SLUG.test(slug))
              throw new AppError("NOT_FOUND", "No such ping signal or slug");
            return answer(request, reply, {
              target: { organizationId, slug },
              signal: parsed,
              limitKey: `${organizationId}/${slug}`,
            });
          },
        });
      }
    }
  };
}

const PING_DOC =
  "Healthchecks-compatible (docs/heartbeats.md): `{token}` is a monitor's ping token, or the organization's 24-character ping key followed by a monitor's slug. Signals: none (success), `start`, `fail`, `log`, or an exit status 0–255; `?rid=` pairs a start with its end. Any body (or, for GET, the query string) is stored up to the size in the `Ping-Body-Limit` header. Answers `OK`, `not found` (404) or `rate limited` (429), as text.";
const part = (description: string) => z.string().max(200).meta({ description });
const TokenParams = z.object({ token: part("The monitor's ping token") });
const SignalParams = z.object({
  token: part("The monitor's ping token, or the organization's ping key"),
  signal: part("start, fail, log or an exit status 0–255 after a token; the monitor's slug after a ping key"),
});
const SlugSignalParams = z.object({
  token: part("The organization's ping key"),
  slug: part("The heartbeat monitor's slug"),
  signal: part("start, fail, log or an exit status 0–255"),
});
const ApiSlugParams = z.object({ slug: part("The heartbeat monitor's slug") });
const ApiSignalParams = ApiSlugParams.extend({ signal: part("start, fail, log or an exit status 0–255") });

/** The path's last part: none (success), start, fail, log, or an exit status 0–255. */
function parseSignal(raw: string | undefined): PingSignal | undefined {
  if (raw === undefined || raw === "") return { kind: "success" };
  if (raw === "start" || raw === "fail" || raw === "log") return { kind: raw };
  if (/^(0|[1-9]\d{0,2})$/.test(raw) && Number(raw) <= 255) return { kind: "exit", status: Number(raw) };
  return undefined;
}

/** Seconds to wait when the limiter refuses the key; undefined when it took the point. */
async function refuse(limiter: RateLimiterMemory, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  }
}

/** The POST body, or for GET the query string (as Healthchecks stores it), cut at the limit. */
function bodyOf(request: FastifyRequest): { text: string; bytes: number } {
  const body = request.body as { text: string; bytes: number } | undefined;
  if (body) return body;
  const q = request.url.indexOf("?");
  const query = q === -1 ? "" : request.url.slice(q + 1);
  const bytes = Buffer.byteLength(query);
  return { text: Buffer.from(query).subarray(0, PING_BODY_LIMIT).toString("utf8"), bytes };
}
