import type { FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../lib/errors.ts";
import type { Runtime } from "../services/context.ts";
import { grantPageAccess, hasPageAccess, isOrganizationMember } from "../services/status-pages/access.ts";
import type { ReadModel, StatusPageCache } from "./cache.ts";
import type { StatusRequestLimiter } from "./rate-limit.ts";

/** What the public status routes need; built once in api/app.ts. */
export interface StatusDeps {
  rt: Runtime;
  /** Where people reach Upblit (page URLs in JSON). */
  publicUrl: string;
  /** Cookies get `Secure` (and the `__Secure-` prefix) behind https. */
  secureCookies: boolean;
  /** The dashboard's access-token cookie, which lets members into members-only pages. */
  memberCookie: string;
  cache: StatusPageCache;
  limiter: StatusRequestLimiter;
}

/** `granted`, or what the visitor lacks: the page's password, or a member's session. */
export type Access = "granted" | "password" | "members";

/** The page-scoped cookie that holds a visitor's access to one password-protected page. */
export function pageCookieName(pageId: string, secure: boolean): string {
  return `${secure ? "__Secure-" : ""}upblit-page-${pageId}`;
}

/** Whether this request may see the page, and if not, what it lacks. */
export async function visitorAccess(
  deps: StatusDeps,
  model: ReadModel,
  request: FastifyRequest,
): Promise<Access> {
  const { page, access } = model.snapshot;
  if (page.visibility === "public") return "granted";
  if (page.visibility === "password") {
    const cookie = request.cookies[pageCookieName(page.id, deps.secureCookies)];
    const ok = hasPageAccess(deps.rt, { id: page.id, passwordHash: access.passwordHash }, cookie);
    return ok ? "granted" : "password";
  }
  const token = request.cookies[deps.memberCookie];
  return (await isOrganizationMember(deps.rt, page.organizationId, token)) ? "granted" : "members";
}

/** What an unknown slug answers on the JSON and stream routes; members-only pages answer it too. */
export function noSuchPage(): AppError {
  return new AppError("NOT_FOUND", "There is no status page at this address");
}

/**
 * The page at `slug` when it is public and fresh in memory, else undefined (then use
 * readablePage). Public reads are answered from memory thousands of times a second; this lets a
 * route answer them synchronously, without the promises of a lookup that could need the database.
 * A public page needs no access check, so this grants exactly what readablePage would.
 */
export function publicPageInMemory(deps: StatusDeps, slug: string): ReadModel | undefined {
  const model = deps.cache.inMemory(slug);
  return model?.snapshot.page.visibility === "public" ? model : undefined;
}

/**
 * The page at `slug` when this request may read it. An unknown slug and a members-only page the
 * visitor is not a member of throw the same NOT_FOUND (a members-only page does not exist for
 * anyone else); a password page without its cookie throws UNAUTHENTICATED (it shows its form).
 */
export async function readablePage(
  deps: StatusDeps,
  request: FastifyRequest,
  slug: string,
): Promise<ReadModel> {
  const model = await deps.cache.bySlug(slug);
  if (!model) throw noSuchPage();
  const access = await visitorAccess(deps, model, request);
  if (access === "members") throw noSuchPage();
  if (access !== "granted") throw new AppError("UNAUTHENTICATED", "This status page is not public");
  return model;
}

/**
 * Checks the password of a password-protected page and sets its access cookie: HttpOnly,
 * SameSite=Lax, scoped to the page's path, Secure behind https. Throws UNAUTHENTICATED when wrong.
 */
export async function logIntoPage(
  deps: StatusDeps,
  model: ReadModel,
  password: string,
  reply: FastifyReply,
): Promise<void> {
  const { page, access } = model.snapshot;
  const granted = await grantPageAccess(
    deps.rt,
    { id: page.id, passwordHash: access.passwordHash },
    password,
  );
  reply.setCookie(pageCookieName(page.id, deps.secureCookies), granted.cookie, {
    path: `/status/${page.slug}`,
    httpOnly: true,
    sameSite: "lax",
    secure: deps.secureCookies,
    maxAge: granted.maxAgeSeconds,
  });
}
