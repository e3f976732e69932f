/** The one domain error type. It knows nothing of HTTP: the API maps `code` to a status. */
export type ErrorCode =
  | "NOT_FOUND"
  | "CONFLICT"
  | "VALIDATION"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "LIMIT_EXCEEDED"
  | "PRECONDITION_FAILED"
  | "UNAVAILABLE"
  | "INTERNAL";

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { errors?: FieldIssue[] } & Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }
}

export class NotFoundError extends AppError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super("NOT_FOUND", `No ${entity} ${id} in this organization`);
  }
}
