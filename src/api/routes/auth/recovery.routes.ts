import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { confirmEmailChange, requestEmailChange } from "../../../services/auth/email-change.ts";
import { confirmPasswordReset, requestPasswordReset } from "../../../services/auth/password-reset.ts";
import { type ApiDeps, userCtxFor } from "../../context.ts";
import { clearSessionCookies } from "../../cookies.ts";
import { originOf } from "../../plugins/auth.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { LinkToken } from "../invitations/schemas.ts";
import { Email, Password } from "./schemas.ts";

const ERRORS = { 409: Problem, 429: Problem, 503: Problem, ...COMMON_ERRORS };
/** Token-carrying public routes: no sign-in, but the credentials rate limit. */
const PUBLIC = { auth: "public" as const, rateLimit: "credentials" as const };
/** The reset request mails and always answers the same: capped per IP and per email instead. */
const MAIL = { auth: "public" as const, rateLimit: "mail" as const };

/** The one answer to every reset request, whether or not the email has an account. */
const RESET_REQUESTED = {
  message: "If an account uses this email address, a link to reset its password is on its way.",
};

/** Recovery by mail: password reset links and confirmed email changes. */
export function recoveryRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const secure = deps.auth.secureCookies;
  return async (app) => {
    app.post(
      "/auth/password-reset",
      {
        config: MAIL,
        schema: {
          tags: ["auth"],
          operationId: "requestPasswordReset",
          summary: "Ask for a password reset link",
          description:
            "Always 202 with the same body, whether or not the email has an account. The link is mailed and works once, for 1 hour; without SMTP it is written to the server log for an operator.",
          body: z.strictObject({ email: Email }),
          response: { 202: z.object({ message: z.string() }), ...ERRORS },
        },
      },
      async (request, reply) => {
        requestPasswordReset(deps.rt, request.body.email, originOf(request));
        return reply.status(202).send(RESET_REQUESTED);
      },
    );

    app.post(
      "/auth/password-reset/confirm",
      {
        config: PUBLIC,
        schema: {
          tags: ["auth"],
          operationId: "confirmPasswordReset",
          summary: "Set a new password with a reset link",
          description:
            "The password policy applies. Ends every session of the account and cancels a pending email change; sign in afterwards. A used, replaced or expired link: 404.",
          body: z.strictObject({ token: LinkToken, password: Password }),
          response: { 204: z.null(), ...ERRORS },
        },
      },
      async (request, reply) => {
        await confirmPasswordReset(deps.rt, request.body, originOf(request));
        clearSessionCookies(reply, secure);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/me/email",
      {
        // It checks the current password: a stolen session cannot guess it without back-off.
        config: { auth: "user", rateLimit: "credentials" },
        schema: {
          tags: ["auth"],
          operationId: "changeEmail",
          summary: "Change your email address (confirmed from the new address)",
          description:
            "Needs your current password. The confirmation link goes to the new address and a notice to the current one; without SMTP the answer carries `confirmUrl`. The link works once, for 1 hour.",
          body: z.strictObject({ newEmail: Email, currentPassword: Password }),
          response: {
            202: z.object({
              mail: z.enum(["sent", "disabled"]),
              confirmUrl: z
                .string()
                .optional()
                .meta({ description: "Only without SMTP: open it to confirm the change" }),
            }),
            ...ERRORS,
          },
        },
      },
      async (request, reply) => {
        const link = await requestEmailChange(userCtxFor(request), request.body);
        return reply.status(202).send(link);
      },
    );

    app.post(
      "/auth/email-change/confirm",
      {
        config: PUBLIC,
        schema: {
          tags: ["auth"],
          operationId: "confirmEmailChange",
          summary: "Confirm an email change with the link from the new address",
          description:
            "Ends every session of the account; sign in with the new address. 409 when another account took the address meanwhile; a used, replaced or expired link: 404.",
          body: z.strictObject({ token: LinkToken }),
          response: { 200: z.object({ email: z.string() }), ...ERRORS },
        },
      },
      async (request, reply) => {
        const changed = await confirmEmailChange(deps.rt, request.body.token, originOf(request));
        clearSessionCookies(reply, secure);
        return changed;
      },
    );
  };
}
