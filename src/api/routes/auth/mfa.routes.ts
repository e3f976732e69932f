import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { completeMfaLogin } from "../../../services/auth/mfa-login.ts";
import {
  confirmTotp,
  disableTotp,
  enrollTotp,
  regenerateRecoveryCodes,
} from "../../../services/auth/totp.ts";
import { type ApiDeps, userCtxFor } from "../../context.ts";
import { setSessionCookies } from "../../cookies.ts";
import { originOf } from "../../plugins/auth.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { Password, TokenPair, tokenPair } from "./schemas.ts";

const Code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, "must be the 6 digits your authenticator app shows")
  .meta({ example: "123456" });
const RecoveryCode = z.string().min(1).max(40).meta({ example: "7k2mq-x9d4a" });
const RecoveryCodes = z
  .object({
    recoveryCodes: z.array(z.string()).meta({ description: "Shown this once; store them somewhere safe" }),
  })
  .meta({ id: "RecoveryCodes" });

const ERRORS = { 409: Problem, 422: Problem, 429: Problem, ...COMMON_ERRORS };

/** A code or a recovery code, exactly one of them. */
function oneFactor(body: { code?: string | undefined; recoveryCode?: string | undefined }): boolean {
  return (body.code === undefined) !== (body.recoveryCode === undefined);
}
const ONE_FACTOR = { message: "send either code or recoveryCode, not both", path: ["code"] };

/**
 * The second factor: completing a sign-in with a code, and the account's own TOTP settings
 * (enrol, confirm, turn off, new recovery codes). See docs/two-factor.md.
 */
export function mfaRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const secure = deps.auth.secureCookies;
  return async (app) => {
    app.post(
      "/auth/mfa",
      {
        config: { auth: "public", rateLimit: "credentials" },
        schema: {
          tags: ["auth"],
          operationId: "completeMfa",
          summary: "Complete a sign-in with a second-factor code",
          description:
            "Send the `mfaToken` from POST /auth/login with the current 6-digit code or a recovery code. Each code works once; after 5 wrong codes the account refuses further attempts for 5 minutes (429 with Retry-After).",
          body: z
            .strictObject({
              mfaToken: z.string().min(1).max(2000),
              code: Code.optional(),
              recoveryCode: RecoveryCode.optional(),
            })
            .refine(oneFactor, ONE_FACTOR),
          response: { 200: TokenPair, ...ERRORS },
        },
      },
      async (request, reply) => {
        const tokens = await completeMfaLogin(deps.rt, request.body, originOf(request));
        setSessionCookies(reply, tokens, secure, deps.auth.sessionMaxDays);
        return tokenPair(tokens);
      },
    );

    app.post(
      "/me/totp",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "startTotpEnrollment",
          summary: "Start enrolling an authenticator app",
          description:
            "Returns a new secret and its `otpauth://` URI (for a QR code). The second factor stays off until POST /me/totp/confirm receives a first code.",
          body: z.strictObject({ password: Password }),
          response: {
            200: z.object({
              secret: z.string().meta({ description: "Base32, to type into the app by hand" }),
              uri: z.string().meta({ description: "otpauth://totp/Upblit:<email>?secret=…&issuer=Upblit" }),
            }),
            ...ERRORS,
          },
        },
      },
      async (request) => enrollTotp(userCtxFor(request), request.body),
    );

    app.post(
      "/me/totp/confirm",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "confirmTotp",
          summary: "Turn the second factor on with a first code",
          description: "Returns 10 single-use recovery codes, shown only this once.",
          body: z.strictObject({ code: Code }),
          response: { 200: RecoveryCodes, ...ERRORS },
        },
      },
      async (request) => ({ recoveryCodes: await confirmTotp(userCtxFor(request), request.body) }),
    );

    app.post(
      "/me/totp/disable",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "disableTotp",
          summary: "Turn the second factor off",
          description:
            "Needs the password and a current code or a recovery code. Deletes the recovery codes.",
          body: z
            .strictObject({
              password: Password,
              code: Code.optional(),
              recoveryCode: RecoveryCode.optional(),
            })
            .refine(oneFactor, ONE_FACTOR),
          response: { 204: z.null(), ...ERRORS },
        },
      },
      async (request, reply) => {
        await disableTotp(userCtxFor(request), request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/me/recovery-codes",
      {
        config: { auth: "user" },
        schema: {
          tags: ["auth"],
          operationId: "replaceRecoveryCodes",
          summary: "Replace your recovery codes",
          description: "Needs the password and a current code. Every earlier recovery code stops working.",
          body: z.strictObject({ password: Password, code: Code }),
          response: { 200: RecoveryCodes, ...ERRORS },
        },
      },
      async (request) => ({
        recoveryCodes: await regenerateRecoveryCodes(userCtxFor(request), request.body),
      }),
    );
  };
}
