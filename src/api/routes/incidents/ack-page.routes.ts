import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type FastifyPluginAsyncZod, hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import { ACK_TOKEN_MAX, type AckClaims, verifyAckToken } from "../../../services/alerts/ack-links.ts";
import { ACK_NOTE_MAX, acknowledgeIncident, glanceAtIncident } from "../../../services/alerts/acknowledge.ts";
import type { Ctx } from "../../../services/context.ts";
import type { ApiDeps } from "../../context.ts";
import { FORM_PAGE_CSP, messagePage, sendHtml, sendOtherError, setRetryAfter } from "../../form-page.ts";
import { originOf } from "../../plugins/auth.ts";
import { problemFor } from "../../problem.ts";
import { UNSAFE_CHARS } from "../../text.ts";
import { ackAlreadyPage, ackConfirmPage, ackDonePage, ackResolvedPage } from "./ack-page.html.ts";

/** The form has one short field; anything bigger is not from it. */
const FORM_BODY_LIMIT = 4 * 1024;
const Params = z.object({ token: z.string().min(1).max(ACK_TOKEN_MAX) });

/**
 * The acknowledge link sent in alerts: `GET /ack/{token}` shows the incident and a button (link
 * scanners that prefetch it acknowledge nothing); the button POSTs to the same URL, which
 * acknowledges as "link from channel <name>". The token is signed (ack-links.ts) and names the
 * organization, so it is the credential. Pages work without JavaScript, carry a strict CSP, are
 * not cached and send no referrer; both methods are rate-limited like other tokens from links.
 */
export function ackPageRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, { note: new URLSearchParams(String(body)).get("note") ?? "" }),
    );
    app.addHook("onRequest", async (_request, reply) => {
      reply.headers({
        "content-security-policy": FORM_PAGE_CSP,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        // The token is in the URL: no page may pass it on as a referrer or keep it in a cache.
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
      });
    });
    app.setErrorHandler((error: FastifyError, request, reply) => renderError(error, request, reply));

    const options = { config: { rateLimit: "credentials" as const }, schema: { hide: true, params: Params } };

    app.get("/ack/:token", options, async (request, reply) => {
      const claims = checkToken(deps, request.params.token);
      const glance = await glanceAtIncident(linkCtx(deps, request, claims), claims.incidentId);
      if (glance.acknowledgement) return sendHtml(reply, 409, ackAlreadyPage(glance, glance.acknowledgement));
      if (glance.status !== "open") return sendHtml(reply, 409, ackResolvedPage(glance));
      return sendHtml(reply, 200, ackConfirmPage(glance, ACK_NOTE_MAX));
    });

    app.post("/ack/:token", options, async (request, reply) => {
      const claims = checkToken(deps, request.params.token);
      const note = noteOf(request.body);
      const ctx = linkCtx(deps, request, claims);
      try {
        const ack = await acknowledgeIncident(ctx, claims.incidentId, {
          note,
          viaChannelId: claims.channelId,
        });
        const glance = await glanceAtIncident(ctx, claims.incidentId);
        return sendHtml(reply, 200, ackDonePage(glance.monitorName, ack));
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== "CONFLICT") throw err;
        const glance = await glanceAtIncident(ctx, claims.incidentId);
        const page = glance.acknowledgement
          ? ackAlreadyPage(glance, glance.acknowledgement)
          : ackResolvedPage(glance);
        return sendHtml(reply, 409, page);
      }
    });
  };
}

/** The token's claims, or an error the pages show: 400 for a token we did not sign, 410 once expired. */
function checkToken(deps: ApiDeps, token: string): AckClaims {
  const check = verifyAckToken(deps.rt.keys.links, token, deps.rt.clock.now());
  if (check.ok) return check.claims;
  if (check.reason === "expired") {
    throw new AppError(
      "VALIDATION",
      "This acknowledge link has expired (links work for 7 days). Acknowledge the incident in Upblit instead.",
      {
        page: { status: 410, title: "Link expired" },
      },
    );
  }
  throw new AppError(
    "VALIDATION",
    "This acknowledge link is not valid. Open the link from the alert again, unchanged.",
    {
      page: { status: 400, title: "Link not valid" },
    },
  );
}

/** The signed token names the organization: it is the credential, as an API key would be. */
function linkCtx(deps: ApiDeps, request: FastifyRequest, claims: AckClaims): Ctx {
  return {
    ...deps.rt,
    organizationId: claims.organizationId,
    actor: { kind: "system" },
    origin: originOf(request),
    requestId: String(request.id),
  };
}

function noteOf(body: unknown): string | null {
  const raw = typeof body === "object" && body !== null ? (body as { note?: unknown }).note : undefined;
  const note = typeof raw === "string" ? raw.trim() : "";
  if (note === "") return null;
  if (note.length > ACK_NOTE_MAX || UNSAFE_CHARS.test(note)) {
    throw new AppError("VALIDATION", `The note must be one line of at most ${ACK_NOTE_MAX} characters.`, {
      page: { status: 400, title: "Note not accepted" },
    });
  }
  return note;
}

/**
 * Every error is a page with the status the API would use: an unknown or foreign incident 404,
 * too many attempts 429 (with Retry-After), a body that is not the form 415. Unknown errors show
 * only the request id.
 */
function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const requestId = String(request.id);
  if (hasZodFastifySchemaValidationErrors(error)) {
    request.log.warn({ code: "VALIDATION" }, "acknowledge link refused");
    return sendHtml(reply, 400, messagePage("Link not valid", "This acknowledge link is malformed."));
  }
  if (error instanceof AppError) {
    const own = error.details?.page as { status: number; title: string } | undefined;
    const problem = problemFor(error.code, requestId, error.message);
    setRetryAfter(reply, error);
    request.log.warn({ code: error.code, detail: error.message }, "acknowledge link refused");
    const text =
      error.code === "NOT_FOUND"
        ? "This incident no longer exists, or the link is not for it."
        : error.message;
    return sendHtml(reply, own?.status ?? problem.status, messagePage(own?.title ?? problem.title, text));
  }
  return sendOtherError(error, request, reply, { title: "Acknowledge", what: "acknowledge" });
}
