import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { logIntoPage, publicPageInMemory, type StatusDeps, visitorAccess } from "../access.ts";
import type { ReadModel } from "../cache.ts";
import { newNonce, statusCsp } from "../html/document.ts";
import { historyPageCount } from "../html/incidents.ts";
import { messagePage, notFoundPage, passwordFormPage } from "../html/messages.ts";
import { renderStatusPage } from "../html/page.ts";
import { sendCached } from "../http.ts";
import { Representation } from "../representation.ts";

/** The login form has one field; anything bigger is not from it. */
const FORM_BODY_LIMIT = 1024;
export const Slug = z.object({ slug: z.string().min(1).max(60) });
const LoginForm = z.object({ password: z.string().max(256).default("") });
/** `?page=N` picks the page of incident history; beyond the last, the last is shown. */
const HistoryQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });

/** An HTML answer that no cache keeps, under the page CSP with this nonce. */
export function sendHtml(reply: FastifyReply, status: number, nonce: string, body: string) {
  return reply
    .status(status)
    .header("content-security-policy", statusCsp(nonce))
    .header("cache-control", "no-store")
    .type("text/html; charset=utf-8")
    .send(body);
}

/** The page's HTML at this page of incident history (beyond the last, the last), rendered once per build. */
function sendPage(model: ReadModel, reply: FastifyReply, historyPage: number) {
  const shown = Math.min(
    historyPage,
    model.memo("html:pages", () => historyPageCount(model.snapshot)),
  );
  const page = model.memo(`html:${shown}`, () => {
    const { html, csp } = renderStatusPage(model.snapshot, shown);
    return { representation: new Representation(html), csp };
  });
  return sendCached(reply.request, reply, {
    representation: page.representation,
    visibility: model.snapshot.page.visibility,
    type: "text/html; charset=utf-8",
    headers: { "content-security-policy": page.csp },
  });
}

/**
 * The page itself and its password login, as server-rendered HTML that needs no script. Errors
 * here are pages too (not found, refused, too many attempts), never JSON.
 */
export function statusHtmlRoutes(deps: StatusDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // Only the login form is read, and only as a form.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) =>
        done(null, { password: new URLSearchParams(String(body)).get("password") ?? "" }),
    );
    app.setErrorHandler((error: FastifyError, request, reply) => renderError(error, request, reply));

    app.get(
      "/status/:slug",
      { config: { auth: "public" }, schema: { hide: true, params: Slug, querystring: HistoryQuery } },
      (request, reply) => {
        // A public page fresh in memory is answered synchronously, without a promise (the hot path).
        const inMemory = publicPageInMemory(deps, request.params.slug);
        if (!inMemory) return checkedPage(request, reply, request.params.slug, request.query.page);
        sendPage(inMemory, reply, request.query.page);
      },
    );

    /** The page when it is not public or not in memory: look it up, then check the visitor's access. */
    async function checkedPage(request: FastifyRequest, reply: FastifyReply, slug: string, page: number) {
      // The cached page carries hashes in its CSP, not a nonce: only these uncached answers draw one.
      const notFound = (nonce = newNonce()) => sendHtml(reply, 404, nonce, notFoundPage(nonce));
      const model = await deps.cache.bySlug(slug);
      if (!model) return notFound();
      const access = await visitorAccess(deps, model, request);
      if (access === "password") {
        const nonce = newNonce();
        return sendHtml(reply, 401, nonce, passwordFormPage(model.snapshot.page.slug, nonce));
      }
      // A members-only page does not exist for anyone else: the same 404 as an unknown slug.
      if (access === "members") return notFound();
      return sendPage(model, reply, page);
    }

    app.post(
      "/status/:slug/login",
      {
        config: { auth: "public", rateLimit: "credentials" },
        schema: { hide: true, params: Slug, body: LoginForm },
      },
      async (request, reply) => {
        const nonce = newNonce();
        const model = await deps.cache.bySlug(request.params.slug);
        if (!model || (await visitorAccess(deps, model, request)) === "members") {
          return sendHtml(reply, 404, nonce, notFoundPage(nonce));
        }
        const location = `/status/${model.snapshot.page.slug}`;
        if (model.snapshot.page.visibility !== "password") return reply.redirect(location, 303);
        await logIntoPage(deps, model, request.body.password, reply);
        return reply.header("cache-control", "no-store").redirect(location, 303);
      },
    );
  };
}

/**
 * Refusals and failures as pages: a wrong password shows the form again with the message, too
 * many attempts a 429 page with Retry-After, anything unexpected a 500 page with the request id.
 */
export function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const nonce = newNonce();
  if (error instanceof AppError) {
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === "number")
      reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
    request.log.warn({ code: error.code }, "status page request refused");
    if (error.code === "UNAUTHENTICATED") {
      const slug = (request.params as { slug?: string }).slug ?? "";
      return sendHtml(reply, 401, nonce, passwordFormPage(slug, nonce, "Wrong password; try again."));
    }
    if (error.code === "LIMIT_EXCEEDED") {
      return sendHtml(reply, 429, nonce, messagePage("Too many requests", error.message, nonce));
    }
    if (error.code === "NOT_FOUND") return sendHtml(reply, 404, nonce, notFoundPage(nonce));
    if (error.code === "UNAVAILABLE") {
      return sendHtml(reply, 503, nonce, messagePage("Unavailable", "Try again in a moment.", nonce));
    }
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    request.log.warn({ code: error.code }, "status page request refused");
    if (error.validationContext === "params") return sendHtml(reply, 404, nonce, notFoundPage(nonce));
    return sendHtml(
      reply,
      error.statusCode,
      nonce,
      messagePage("Bad request", "The request could not be understood.", nonce),
    );
  }
  request.log.error({ err: error }, "request failed");
  return sendHtml(
    reply,
    500,
    nonce,
    messagePage(
      "Something went wrong",
      `An unexpected error occurred; quote request ${request.id} when reporting it.`,
      nonce,
    ),
  );
}
