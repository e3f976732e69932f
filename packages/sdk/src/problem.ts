import type { components } from "./schema.ts";

export type ProblemBody = components["schemas"]["Problem"];
export type FieldError = ProblemBody["errors"][number];

/**
 * An RFC 9457 problem the API answered with: `status`, a stable `type` and `code`, and
 * `errors[]` naming each failing field by `path` (`body.intervalSeconds`, `query.limit`…).
 */
export class UpblitProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;
  readonly errors: FieldError[];

  constructor(status: number, body: Partial<ProblemBody>) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.name = "UpblitProblem";
    this.status = status;
    this.type = body.type ?? "about:blank";
    this.code = body.code ?? "UNKNOWN";
    this.title = body.title ?? `HTTP ${status}`;
    this.detail = body.detail;
    this.requestId = body.requestId;
    this.errors = body.errors ?? [];
  }

  /** The message for one field, by its `path` as the API writes it (`body.name`, `assertions.0.value`). */
  fieldError(path: string): string | undefined {
    return this.errors.find((e) => e.path === path)?.message;
  }

  /** Reads a problem from a failed response (or makes one from its status when it has no JSON). */
  static async from(res: Response): Promise<UpblitProblem> {
    let body: Partial<ProblemBody> = {};
    try {
      body = (await res.json()) as Partial<ProblemBody>;
    } catch {
      body = { title: res.statusText || `HTTP ${res.status}` };
    }
    return new UpblitProblem(res.status, {
      ...body,
      requestId: body.requestId ?? res.headers.get("x-request-id") ?? undefined,
    });
  }
}
