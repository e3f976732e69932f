import { createHash } from "node:crypto";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { AppError } from "../lib/errors.ts";
import { escapeHtml } from "../lib/html.ts";

/**
 * The small server-rendered pages that work without JavaScript (first-run setup, acknowledge
 * links): one look, one stylesheet, one Content-Security-Policy.
 */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.5rem;margin-top:.25rem;font:inherit;border:1px solid #9aa3b2;border-radius:4px}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;color:#fff;background:#2458d6;border:0;border-radius:4px}
.hint{font-size:.875rem;color:#4b5565;margin:.25rem 0 0}.error{color:#b42318;margin:.25rem 0 0}
.alert{border:1px solid #b42318;background:#fef3f2;padding:.5rem 1rem;border-radius:4px}`;

/**
 * The Content-Security-Policy of these pages: no script at all, only the one inline stylesheet
 * (allowed by its hash), forms post back to this origin only, and no page may be framed.
 */
export const FORM_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** A whole page: the title (escaped here) as heading, and `body`, which must be markup built safely. */
export function formPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Upblit</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>
`;
}

/** A page with a title and one paragraph of plain text (no markup from the caller). */
export function messagePage(title: string, text: string): string {
  return formPage(title, `<p>${escapeHtml(text)}</p>`);
}

export function sendHtml(reply: FastifyReply, status: number, html: string) {
  return reply.status(status).type("text/html; charset=utf-8").send(html);
}

/** Passes an AppError's `retryAfterSeconds` (rate limits) on as a Retry-After header. */
export function setRetryAfter(reply: FastifyReply, error: AppError): void {
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === "number") reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
}

/**
 * The end of every form page's error handler: another client error (a body that is not the form,
 * a bad request) as a page with its status, anything else as a 500 page showing only the request id.
 */
export function sendOtherError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  page: { title: string; what: string },
) {
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    request.log.warn({ code: error.code }, `${page.what} request refused`);
    const text =
      error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
        ? "Send the form as application/x-www-form-urlencoded."
        : "The request could not be understood.";
    return sendHtml(reply, error.statusCode, messagePage(page.title, text));
  }
  request.log.error({ err: error }, "request failed");
  return sendHtml(
    reply,
    500,
    messagePage(
      "Something went wrong",
      `An unexpected error occurred; quote request ${String(request.id)} when reporting it.`,
    ),
  );
}
