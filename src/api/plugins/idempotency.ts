import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../lib/errors.ts";
import { claimIdempotencyKey, completeIdempotencyKey } from "../../services/idempotency.ts";
import type { ApiDeps } from "../context.ts";
import { problemFor } from "../problem.ts";
import { sendProblem } from "./errors.ts";
import { addRouteHook } from "./route-hooks.ts";

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** What is kept of a first response, to replay it: the body and the Location header. */
interface StoredResponse {
  body: unknown;
  location: string | null;
}

declare module "fastify" {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

/**
 * `Idempotency-Key` on POST: the same key and body return the first response (with
 * `Idempotent-Replayed: true`); the same key with another body is refused with 422. Keys live 24 h.
 */
export function registerIdempotency(app: FastifyInstance, deps: ApiDeps): void {
  // Keys are kept per organization: only POST routes that act in one get these hooks (route-hooks.ts).
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    if (!auth || auth === "public" || ![route.method].flat().includes("POST")) return;
    addRouteHook(route, "preHandler", claimKey);
    addRouteHook(route, "onSend", completeKey);
  });

  // Callback-style: requests without a key pass without a promise. A claim that answers (a replay,
  // a refusal) sends the reply and does not call `done`, as Fastify's early responses do.
  function claimKey(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) {
    const key = request.headers["idempotency-key"];
    const organizationId = request.orgCtx?.organizationId;
    // Keys are kept per organization; routes outside one (sign-in, setup) do not take them.
    if (request.method !== "POST" || key === undefined || !organizationId) return done();
    claim(request, reply, key, organizationId).then((answered) => {
      if (!answered) done();
    }, done);
  }

  async function claim(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string | string[],
    organizationId: string,
  ): Promise<boolean> {
    if (typeof key !== "string" || !KEY_FORMAT.test(key)) {
      throw new AppError("VALIDATION", "Idempotency-Key must be 1-255 printable ASCII characters", {
        errors: [{ path: "headers.idempotency-key", message: "1-255 printable ASCII characters" }],
      });
    }
    const hash = createHash("sha256")
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest("hex");
    const claim = await claimIdempotencyKey(
      deps.rt.db,
      organizationId,
      key,
      hash,
      new Date(deps.rt.clock.now()),
    );
    const id = String(request.id);
    switch (claim.kind) {
      case "new":
        request.idempotencyKey = key;
        return false;
      case "replay": {
        const stored = claim.response as StoredResponse;
        if (stored.location) reply.header("location", stored.location);
        reply
          .status(claim.statusCode)
          .type(claim.statusCode >= 400 ? "application/problem+json" : "application/json")
          .header("idempotent-replayed", "true")
          .send(stored.body);
        return true;
      }
      case "mismatch":
        sendProblem(
          reply,
          problemFor("PRECONDITION_FAILED", id, "This Idempotency-Key was used with a different request", [
            { path: "headers.idempotency-key", message: "already used with another body or path" },
          ]),
        );
        return true;
      case "in-progress":
        sendProblem(
          reply,
          problemFor("CONFLICT", id, "A request with this Idempotency-Key is still running"),
        );
        return true;
    }
  }

  function completeKey(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (err: Error | null, payload?: unknown) => void,
  ) {
    const key = request.idempotencyKey;
    const organizationId = request.orgCtx?.organizationId;
    if (!key || !organizationId) return done(null, payload);
    request.idempotencyKey = undefined;
    const body = typeof payload === "string" && payload.length > 0 ? safeJson(payload) : null;
    const location = reply.getHeader("location");
    const stored: StoredResponse = { body, location: typeof location === "string" ? location : null };
    completeIdempotencyKey(deps.rt.db, organizationId, key, reply.statusCode, stored).then(
      () => done(null, payload),
      (err: Error) => done(err),
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
