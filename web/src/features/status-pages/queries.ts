import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import type { components } from "../../api/schema";
import { readAllPages } from "./all-pages.ts";

export type StatusIncident = components["schemas"]["StatusIncident"];

/** Every query of this feature starts with "status-pages", so one invalidation refreshes them. */
export const keys = {
  all: ["status-pages"] as const,
  page: (id: string) => ["status-pages", id] as const,
  incidents: (id: string) => ["status-pages", id, "incidents"] as const,
  domains: (id: string) => ["status-pages", id, "domains"] as const,
  subscribers: (id: string) => ["status-pages", id, "subscribers"] as const,
  webhooks: (id: string) => ["status-pages", id, "webhooks"] as const,
  report: (id: string, period: string) => ["status-pages", id, "report", period] as const,
};

export function useStatusPages() {
  return useQuery({
    queryKey: keys.all,
    queryFn: async () => (await sdk.op.listStatusPages()).items,
  });
}

export function useStatusPage(id: string) {
  return useQuery({
    queryKey: keys.page(id),
    queryFn: async () => await sdk.op.getStatusPage({ path: { id } }),
  });
}

/**
 * Every monitor of the organization (id, name, state), for picking components and the preview:
 * read page by page to the end (200 a page, the API's largest), so a large install lists them all.
 */
export function useMonitorChoices() {
  return useQuery({
    queryKey: ["status-pages", "monitors"],
    staleTime: 30_000,
    queryFn: () =>
      readAllPages(async (cursor) => {
        const page = await sdk.op.listMonitors({ query: { limit: 200, ...(cursor ? { cursor } : {}) } });
        return {
          items: page.items.map((m) => ({ id: m.id, name: m.name, state: m.state })),
          nextCursor: page.nextCursor,
        };
      }),
  });
}

/** A mutation that refreshes this feature's queries once the server took it. */
export function useStatusMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useIncidents(pageId: string) {
  return useQuery({
    queryKey: keys.incidents(pageId),
    queryFn: async () =>
      (await sdk.op.listStatusPageIncidents({ path: { id: pageId }, query: { limit: 50 } })).items,
  });
}

export function useDomains(pageId: string) {
  return useQuery({
    queryKey: keys.domains(pageId),
    queryFn: async () => (await sdk.op.listStatusPageDomains({ path: { id: pageId } })).items,
  });
}

async function subscribersPage(pageId: string, cursor: string | undefined) {
  return await sdk.op.listStatusPageSubscribers({
    path: { id: pageId },
    query: { limit: 100, ...(cursor ? { cursor } : {}) },
  });
}
type SubscribersPage = Awaited<ReturnType<typeof subscribersPage>>;

/** The page's subscribers, 100 at a time (the API's largest page); `fetchNextPage` reads on. */
export function useSubscribers(pageId: string) {
  return useInfiniteQuery({
    queryKey: keys.subscribers(pageId),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: SubscribersPage) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }) => subscribersPage(pageId, pageParam),
  });
}

export function useReport(pageId: string, period: string) {
  return useQuery({
    queryKey: keys.report(pageId, period),
    enabled: period !== "",
    queryFn: async () => {
      const data = await sdk.op.getStatusPageReport({
        path: { id: pageId },
        query: { period, format: "json" },
      });
      if (typeof data === "string") throw new Error("expected JSON");
      return data;
    },
  });
}

/**
 * Downloads the report as CSV: fetched through the SDK with the session (so an expired access token is
 * refreshed), then saved through a temporary link. Throws the API's problem when refused.
 */
export async function downloadReportCsv(pageId: string, period: string, filename: string): Promise<void> {
  const csv = await sdk.request({
    method: "GET",
    path: "/api/v1/status-pages/{id}/reports",
    pathParams: { id: pageId },
    query: { period, format: "csv" },
  });
  const blob = new Blob([String(csv)], { type: "text/csv" });
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
