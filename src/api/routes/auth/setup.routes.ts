import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { completeSetup } from "../../../services/accounts/setup.ts";
import { countUsers } from "../../../services/accounts/users.ts";
import type { ApiDeps } from "../../context.ts";
import { setSessionCookies } from "../../cookies.ts";
import { originOf } from "../../plugins/auth.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { OrganizationName } from "../organizations/schemas.ts";
import { Email, Password, TokenPair, tokenPair } from "./schemas.ts";

/** First run: the single-use setup link creates the owner and the first organization. */
export function setupRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/setup",
      {
        config: { auth: "public", rateLimit: "public" },
        schema: {
          tags: ["auth"],
          operationId: "getSetupState",
          summary: "Whether Upblit still waits for its first owner",
          description:
            "`required: true` until the owner account exists: a dashboard sends people to its setup screen, which needs the token of the setup link the server printed at start (`/setup?token=…`). Limited per address (429).",
          response: {
            200: z.object({
              required: z.boolean(),
              needed: z
                .boolean()
                .meta({ description: "The same as `required` (deprecated)", deprecated: true }),
            }),
            429: Problem,
            ...COMMON_ERRORS,
          },
        },
      },
      async () => {
        const required = (await countUsers(deps.rt.db)) === 0;
        return { required, needed: required };
      },
    );

    app.post(
      "/setup",
      {
        config: { auth: "public", rateLimit: "credentials" },
        schema: {
          tags: ["auth"],
          operationId: "setUp",
          summary: "Create the owner account and the first organization",
          description:
            "`token` comes from the setup link logged at first start (or `upblit setup-link`). Single-use; refused once anyone has an account.",
          body: z.strictObject({
            token: z.string().min(1).max(200),
            email: Email,
            password: Password,
            name: z.string().max(100).optional(),
            organizationName: OrganizationName,
          }),
          response: { 201: TokenPair, 409: Problem, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const done = await completeSetup(deps.rt, request.body, originOf(request));
        setSessionCookies(reply, done.tokens, deps.auth.secureCookies, deps.auth.sessionMaxDays);
        return reply.status(201).send(tokenPair(done.tokens));
      },
    );
  };
}
