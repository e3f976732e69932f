import type { FastifyError, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Runtime } from "../../services/context.ts";
import {
  confirmSubscription,
  SUBSCRIPTION_LIMITS,
  subscribe,
  unsubscribe,
} from "../../services/status-subscriptions/subscribers.ts";
import { newNonce } from "../html/document.ts";
import {
  badLinkPage,
  checkYourMailPage,
  confirmButtonPage,
  donePage,
  unsubscribeButtonPage,
} from "../html/subscriptions.ts";
import { renderError, Slug, sendHtml } from "./pages.routes.ts";

/** A subscribe form or JSON body is an address and a few component ids; nothing bigger. */
const BODY_LIMIT = 8 * 1024;
const Token = z.string().min(1).max(200);
const SubscribeBody = z.object({
  email: z.email().max(254),
  components: z.array(z.string().max(40)).max(SUBSCRIPTION_LIMITS.componentsPerSubscription).default([]),
});
const TokenQuery = z.object({ token: Token });
const TokenForm = z.object({ token: Token });
const OneClickQuery = z.object({ token: Token });

/** JSON callers get JSON (and RFC 9457 problems); forms and browsers get pages. */
function wantsJson(request: FastifyRequest): boolean {
  return String(request.headers["content-type"] ?? "").startsWith("application/json");
}

function formFields(body: string): Record<string, unknown> {
  const params = new URLSearchParams(body);
  const fields: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    fields[key] = key === "components" ? params.getAll(key) : params.get(key);
  }
  return fields;
}

/**
 * Email subscriptions of a public page (docs/status-pages.md, "Subscriptions"): subscribe (a form
 * or JSON; rate-limited per IP and per address), confirm (GET shows a button, POST confirms, so
 * link scanners confirm nothing) and unsubscribe (RFC 8058 one-click POST; GET shows a button).
 */
export function statusSubscriptionRoutes(deps: { rt: Runtime }): FastifyPluginAsyncZod {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: BODY_LIMIT },
      (_request, body, done) => done(null, formFields(String(body))),
    );
    app.addContentTypeParser(
      "application/json",
      { parseAs: "string", bodyLimit: BODY_LIMIT },
      (_r, body, done) => {
        try {
          done(null, JSON.parse(String(body)));
        } catch (err) {
          done(Object.assign(err as Error, { statusCode: 400 }), undefined);
        }
      },
    );
    app.setErrorHandler((error: FastifyError, request, reply) => {
      // JSON callers get the API's problem documents (the parent's handler).
      if (wantsJson(request)) throw error;
      return renderError(error, request, reply);
    });

    app.post(
      "/status/:slug/subscribe",
      {
        config: { auth: "public", rateLimit: "mail" },
        schema: { hide: true, params: Slug, body: SubscribeBody },
      },
      async (request, reply) => {
        await subscribe(deps.rt, request.params.slug, request.body);
        if (wantsJson(request)) {
          return reply.status(202).header("cache-control", "no-store").send({
            status: "pending",
            message: "If the address is not subscribed yet, a confirmation link was sent to it.",
          });
        }
        const nonce = newNonce();
        return sendHtml(reply, 202, nonce, checkYourMailPage(nonce));
      },
    );

    app.get(
      "/status/:slug/subscriptions/confirm",
      { config: { auth: "public" }, schema: { hide: true, params: Slug, querystring: TokenQuery } },
      async (request, reply) => {
        const nonce = newNonce();
        return sendHtml(
          reply,
          200,
          nonce,
          confirmButtonPage(request.params.slug, request.query.token, nonce),
        );
      },
    );

    app.post(
      "/status/:slug/subscriptions/confirm",
      {
        config: { auth: "public", rateLimit: "credentials" },
        schema: { hide: true, params: Slug, body: TokenForm },
      },
      async (request, reply) => {
        const nonce = newNonce();
        const ok = await confirmSubscription(deps.rt, request.params.slug, request.body.token);
        if (!ok) return sendHtml(reply, 400, nonce, badLinkPage(nonce));
        return sendHtml(
          reply,
          200,
          nonce,
          donePage(
            "You are subscribed",
            "Updates of this page will come to your inbox. Every mail has a link to unsubscribe.",
            nonce,
          ),
        );
      },
    );

    app.get(
      "/status/:slug/unsubscribe",
      { config: { auth: "public" }, schema: { hide: true, params: Slug, querystring: OneClickQuery } },
      async (request, reply) => {
        const nonce = newNonce();
        return sendHtml(
          reply,
          200,
          nonce,
          unsubscribeButtonPage(request.params.slug, request.query.token, nonce),
        );
      },
    );

    app.post(
      "/status/:slug/unsubscribe",
      { config: { auth: "public" }, schema: { hide: true, params: Slug, querystring: OneClickQuery } },
      async (request, reply) => {
        const nonce = newNonce();
        const ok = await unsubscribe(deps.rt, request.query.token);
        if (!ok) return sendHtml(reply, 400, nonce, badLinkPage(nonce));
        return sendHtml(
          reply,
          200,
          nonce,
          donePage("You are unsubscribed", "No more updates of this page will be mailed to you.", nonce),
        );
      },
    );
  };
}
