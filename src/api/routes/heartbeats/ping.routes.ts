import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import { PING_TOKEN } from "../../../monitor-types/heartbeat/settings.ts";
import { PING_BODY_LIMIT, type PingSignal, receivePing } from "../../../services/heartbeats/receive.ts";
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

    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const { token, signal: raw } = request.params as { token: string; signal?: string };
      reply.header("ping-body-limit", String(PING_BODY_LIMIT)).type("text/plain; charset=utf-8");
      const signal = parseSignal(raw);
      if (!signal || !PING_TOKEN.test(token)) return reply.code(404).send("not found");
      const refusedFor = (await refuse(perIp, request.ip)) ?? (await refuse(perToken, token));
      if (refusedFor !== undefined) {
        return reply.code(429).header("retry-after", String(refusedFor)).send("rate limited");
      }
      const query = request.query as Record<string, unknown>;
      const rid = typeof query.rid === "string" && RID.test(query.rid) ? query.rid : null;
      const body = bodyOf(request);
      const ua = request.headers["user-agent"];
      const found = await receivePing(deps.rt, {
        token,
        signal,
        rid,
        method: request.method,
        sourceIp: request.ip,
        userAgent: typeof ua === "string" ? ua.slice(0, 500) : null,
        body: body.text,
        bodyBytes: body.bytes,
      });
      return found ? reply.send("OK") : reply.code(404).send("not found");
    };

    for (const route of PING_ROUTES) {
      for (const method of ["GET", "POST"] as const) {
        app.route({
          method,
          url: route.url,
          config: { auth: "public" },
          schema: {
            tags: ["public"],
            operationId: method === "GET" ? route.operationId : `${route.operationId}Post`,
            summary: route.summary,
            description:
              "Healthchecks-compatible (docs/heartbeats.md): GET, HEAD or POST; a POST body (up to the `ping-body-limit` header's bytes) is kept as the ping's log; `?rid=` pairs a start with its end. Answers `OK`, or `not found` (404) for a token no monitor has.",
            params: route.params,
          },
          handler: handle,
        });
      }
    }
  };
}

const Token = z.string().meta({ description: "The heartbeat monitor's ping token" });
/** Documented routes; the params are plain strings, so a bad one is answered `not found` as before. */
const PING_ROUTES = [
  {
    url: "/ping/:token",
    operationId: "ping",
    summary: "Report a heartbeat's success",
    params: z.object({ token: Token }),
  },
  {
    url: "/ping/:token/:signal",
    operationId: "pingSignal",
    summary: "Report a heartbeat's start, failure, log line or exit status",
    params: z.object({
      token: Token,
      signal: z
        .string()
        .meta({ description: "`start`, `fail`, `log`, or an exit status 0–255 (0 is a success)" }),
    }),
  },
];

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
