/**
 * The problem (RFC 9457) responses of the document, defined once under components.responses and
 * referenced by every operation that can give them.
 */

const problem = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** Response component name and description for each status a problem can have. */
export const PROBLEM_RESPONSES: Record<string, { name: string; response: ReturnType<typeof problem> }> = {
  "400": {
    name: "Invalid",
    response: problem("The request is invalid; `errors[]` names every failing field (`path`) and why."),
  },
  "401": {
    name: "Unauthenticated",
    response: problem("No credential, or one that is expired, revoked or unknown."),
  },
  "403": {
    name: "Forbidden",
    response: problem(
      "The credential lacks the permission (or the API key the scope), or a cookie request lacks its CSRF token.",
    ),
  },
  "404": {
    name: "NotFound",
    response: problem("No such object in this organization (objects of other organizations look the same)."),
  },
  "409": {
    name: "Conflict",
    response: problem(
      "The change conflicts with the current state, or the same Idempotency-Key is in flight.",
    ),
  },
  "413": { name: "TooLarge", response: problem("The body is larger than the server accepts.") },
  "415": {
    name: "UnsupportedMediaType",
    response: problem("The body is not JSON, or declares a charset other than UTF-8."),
  },
  "422": {
    name: "PreconditionFailed",
    response: problem("A precondition does not hold (e.g. an Idempotency-Key reused with another request)."),
  },
  "429": {
    name: "TooManyRequests",
    response: problem("A rate limit or quota was reached; retry after `Retry-After` seconds.", {
      "Retry-After": {
        description: "Seconds to wait before retrying",
        schema: { type: "integer", minimum: 0 },
      },
    }),
  },
  "500": {
    name: "InternalError",
    response: problem("An unexpected error; the `requestId` finds it in the server's logs."),
  },
  "503": {
    name: "Unavailable",
    response: problem(
      "The server cannot serve this now (its database, or no probe for a check); retry later.",
      {
        "Retry-After": {
          description: "Seconds to wait before retrying, when known",
          schema: { type: "integer", minimum: 0 },
        },
      },
    ),
  },
};

/** Descriptions of success responses a route did not describe itself. */
export const SUCCESS_DESCRIPTIONS: Record<string, string> = {
  "200": "OK",
  "201": "Created; `Location` names the new object",
  "202": "Accepted; the work goes on after the answer",
  "204": "Done; no body",
};
