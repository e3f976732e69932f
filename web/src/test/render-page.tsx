import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  Outlet,
  RouterProvider,
} from "@tanstack/react-router";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";

/** One request the page sent, as the API would have received it. */
export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

type Answer = { status: number; body: unknown };

/**
 * The network seen by a page under test: each request is recorded and answered by `answer`
 * (an API stand-in at the HTTP boundary; the page, client and components are the real ones).
 */
export function fakeNetwork(answer: (req: SentRequest) => Answer | undefined) {
  const sent: SentRequest[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(String(input), init);
    const text = req.method === "GET" ? "" : await req.text();
    const one: SentRequest = {
      method: req.method,
      path: new URL(req.url, "http://localhost").pathname,
      body: text ? JSON.parse(text) : undefined,
    };
    sent.push(one);
    const a = answer(one) ?? { status: 404, body: { type: "about:blank", title: "Not Found", status: 404 } };
    const type = a.status >= 400 ? "application/problem+json" : "application/json";
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { "content-type": type } });
  }) as typeof fetch;
  return { sent, restore: () => (globalThis.fetch = original) };
}

/** Renders `page` at `path` inside a router that also knows `/` and `/login` (to land on). */
export function renderPage(path: string, pattern: string, page: () => ReactNode) {
  const root = createRootRoute({ component: Outlet });
  const routes = [
    createRoute({ getParentRoute: () => root, path: pattern, component: page }),
    createRoute({ getParentRoute: () => root, path: "/", component: () => <h1>Home</h1> }),
    createRoute({ getParentRoute: () => root, path: "/login", component: () => <h1>Login</h1> }),
  ];
  const router = createRouter({
    routeTree: root.addChildren(routes),
    history: createMemoryHistory({ initialEntries: [path] }),
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...view, router };
}
