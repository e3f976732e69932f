import type { FastifyInstance } from "fastify";

/** How deep arrays and objects may nest in a JSON body; no route needs more than a handful. */
export const MAX_JSON_DEPTH = 32;

/** A body refused before it is parsed; the error handler turns it into a problem with `status`. */
export class BodyRefused extends Error {
  /** Fastify's name for the status, so form pages with their own error handler answer it too. */
  readonly statusCode: number;
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
    this.name = "BodyRefused";
    this.statusCode = status;
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Replaces Fastify's JSON parser for every route: the body must be UTF-8 (a `charset` other than
 * utf-8 is a 415, invalid bytes a 400, where Fastify would read them as U+FFFD) and nest at most
 * MAX_JSON_DEPTH levels (deeper input would reach recursive code: a stack overflow is a 500).
 * A leading byte order mark is dropped (RFC 8259 §8.1 allows a parser to ignore it). The text
 * then goes through Fastify's own parser, which refuses `__proto__` and `constructor.prototype`.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const charset = charsetOf(request.headers["content-type"]);
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      done(new BodyRefused(415, `Unsupported charset "${charset}"; send JSON as UTF-8`), undefined);
      return;
    }
    let text: string;
    try {
      // The decoder drops a leading BOM itself (ignoreBOM is false).
      text = UTF8.decode(body as Buffer);
    } catch {
      done(new BodyRefused(400, "The body is not valid UTF-8"), undefined);
      return;
    }
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

/** The `charset` parameter of a content type, lower-cased and unquoted; undefined when absent. */
export function charsetOf(contentType: string | undefined): string | undefined {
  for (const param of (contentType ?? "").split(";").slice(1)) {
    const eq = param.indexOf("=");
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    return param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
  }
  return undefined;
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
