import { z } from "zod";
import type { ErrorCode, FieldIssue } from "../lib/errors.ts";

/** RFC 9457 problem details, the one error shape of every route. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;

const PROBLEMS: Record<ErrorCode, { status: number; title: string; slug: string }> = {
  NOT_FOUND: { status: 404, title: "Not found", slug: "not-found" },
  CONFLICT: { status: 409, title: "Conflict", slug: "conflict" },
  VALIDATION: { status: 400, title: "Invalid request", slug: "validation" },
  FORBIDDEN: { status: 403, title: "Forbidden", slug: "forbidden" },
  UNAUTHENTICATED: { status: 401, title: "Authentication required", slug: "unauthenticated" },
  LIMIT_EXCEEDED: { status: 429, title: "Limit exceeded", slug: "limit-exceeded" },
  PRECONDITION_FAILED: { status: 422, title: "Precondition failed", slug: "precondition-failed" },
  UNAVAILABLE: { status: 503, title: "Service unavailable", slug: "unavailable" },
  INTERNAL: { status: 500, title: "Internal error", slug: "internal" },
};

export const PROBLEM_TYPE_BASE = "https://upblit.dev/problems/";

export function problemFor(
  code: ErrorCode,
  requestId: string,
  detail?: string,
  errors: FieldIssue[] = [],
  statusOverride?: number,
): Problem {
  const p = PROBLEMS[code];
  return {
    type: PROBLEM_TYPE_BASE + p.slug,
    title: p.title,
    status: statusOverride ?? p.status,
    detail,
    code,
    requestId,
    errors,
  };
}

/** Problem responses every route may give, for the OpenAPI document. */
export const COMMON_ERRORS = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  413: Problem,
  415: Problem,
  500: Problem,
} as const;
