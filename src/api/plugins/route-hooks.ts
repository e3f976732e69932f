import type { RouteOptions } from "fastify";

type LifecycleHook = "onRequest" | "preHandler" | "onSend";
/** One hook of that kind (route options take one or a list). */
type HookOf<H extends LifecycleHook> = Extract<NonNullable<RouteOptions[H]>, (...args: never[]) => unknown>;

/**
 * Adds a hook to one route, from an `onRoute` hook, after the hooks it already has. The API's
 * plugins (auth, rate limits, idempotency) attach their hooks only to the routes whose config
 * needs them: a global hook would run, and read the route's config, on every request, including
 * the public status pages served from memory thousands of times a second (docs/benchmarks.md).
 * Route hooks run after every plugin-wide hook, in the order they were added here.
 */
export function addRouteHook<H extends LifecycleHook>(route: RouteOptions, name: H, hook: HookOf<H>): void {
  const existing = route[name];
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  // A new array: the HEAD twin of a GET route shares the options it was copied from.
  (route as Record<H, unknown>)[name] = [...list, hook];
}
