import type { FastifyInstance } from "fastify";

/** How deep arrays and objects may nest in a JSON body; no route needs more than a handful. */
export const MAX_JSON_DEPTH = 32;

/** A body refused before it is parsed; the error handler turns it into a problem with `status`. */
export class BodyRefused extends Error {
  /** Fastify's name for the status, so form pages with their own error handler answer it too. */
  readonly statusCode: number;
  constructor(
    readonly status: 400,
    message: string,
  ) {
    super(message);
    this.name = "BodyRefused";
    this.statusCode = status;
  }
}

/**
 * Replaces Fastify's JSON parser for every route: the body may nest at most MAX_JSON_DEPTH levels
 * (deeper input would reach recursive code: a stack overflow is a 500). The text then goes
 * through Fastify's own parser, which refuses `__proto__` and `constructor.prototype`.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = String(body);
    if (nestingDepth(text) > MAX_JSON_DEPTH) {
      done(
        new BodyRefused(400, `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
      return;
    }
    parseJson(request, text, done);
  });
}

/**
 * The deepest nesting of `[` and `{` in JSON text, outside strings, in one pass without
 * recursion. Text that is not JSON gets some number; the parser refuses it afterwards.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
