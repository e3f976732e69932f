import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, type ErrorCode } from "../../lib/errors.ts";
import { maskApiKeys } from "../../services/auth/api-key-format.ts";
import { invalidFieldsDetail, toFieldIssues } from "../field-errors.ts";
import { type Problem, problemFor } from "../problem.ts";
import { BodyRefused } from "./json-body.ts";

/**
 * The single error serializer: AppError codes, request validation and framework errors become
 * application/problem+json. Unknown errors become an opaque 500 carrying only the request id.
 */
export function registerErrorHandling(
  app: FastifyInstance,
  /** Answers what no route matched when it can (the dashboard's history fallback); true if it did. */
  fallback?: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status === 401) reply.header("www-authenticate", 'Bearer realm="upblit"');
    const retryAfter = error instanceof AppError ? error.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === "number")
      reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
    if (problem.status >= 500) request.log.error({ err: error }, "request failed");
    // A refused id is echoed in the detail: a key sent as a path segment must not reach the log.
    else
      request.log.warn(
        { code: problem.code, detail: problem.detail && maskApiKeys(problem.detail) },
        "request refused",
      );
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (fallback && (await fallback(request, reply))) return reply;
    return sendProblem(
      reply,
      problemFor("NOT_FOUND", String(request.id), `No route ${request.method} ${request.url.split("?")[0]}`),
    );
  });
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  return reply.status(problem.status).type("application/problem+json").send(problem);
}

function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  const requestId = String(request.id);
  if (error instanceof AppError) {
    return problemFor(error.code, requestId, error.message, error.details?.errors ?? []);
  }
  if (error instanceof BodyRefused)
    return problemFor("VALIDATION", requestId, error.message, [], error.status);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? "body";
    const errors = toFieldIssues(
      where,
      error.validation.map((v) => ({
        path: v.instancePath.split("/").filter(Boolean),
        message: v.message ?? "invalid",
        code: v.keyword,
        keys: (v.params as { keys?: string[] }).keys,
      })),
    );
    return problemFor("VALIDATION", requestId, invalidFieldsDetail(errors.length, where), errors);
  }
  if (isDatabaseUnavailable(error)) {
    return problemFor("UNAVAILABLE", requestId, "The database is unavailable; try again shortly");
  }
  const framework = FRAMEWORK_ERRORS[error.code ?? ""];
  if (framework) return problemFor(framework.code, requestId, framework.detail, [], framework.status);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return problemFor("VALIDATION", requestId, "The request could not be understood", [], error.statusCode);
  }
  return problemFor(
    "INTERNAL",
    requestId,
    "An unexpected error occurred; quote the request id when reporting it",
  );
}

const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode; status: number; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: "VALIDATION",
    status: 413,
    detail: "The request body is larger than allowed",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: "VALIDATION",
    status: 415,
    detail: "Unsupported content type; send application/json",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "VALIDATION", status: 400, detail: "The JSON body is empty" },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "VALIDATION", status: 400, detail: "The body is not valid JSON" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: "VALIDATION", status: 400, detail: "Invalid Content-Length" },
};

/**
 * Connection-level database failures (server gone, restarting, refusing): a 503 the client may
 * retry, not a 500. SQLSTATE class 08 is "connection exception"; 57P01-57P03 are shutdowns.
 */
function isDatabaseUnavailable(error: { code?: string; message?: string }): boolean {
  const code = error.code ?? "";
  return (
    /^08/.test(code) ||
    /^57P0[123]$/.test(code) ||
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    // node-postgres raises this, without a code, when the server drops the connection.
    /^Connection terminated/.test(error.message ?? "")
  );
}
