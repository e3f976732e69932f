import { infiniteQueryOptions, type QueryClient, useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { sdk } from "../../api/client.ts";
import type { paths } from "../../api/schema";
import type { ListFilter } from "./list-model.ts";

/** Monitors per request: the API's largest page. */
export const PAGE_SIZE = 200;
/** The first request asks for a screenful and a little more, so the list is usable sooner. */
export const FIRST_PAGE_SIZE = 50;

type Query = Omit<NonNullable<paths["/api/v1/monitors"]["get"]["parameters"]["query"]>, "cursor" | "limit">;

/** The list's query for a server-side filter (also prefetched by the layout, see below). */
export function monitorListQuery(query: Query) {
  return infiniteQueryOptions({
    queryKey: ["monitors", "list", query],
    queryFn: async ({ pageParam, signal }) =>
      await sdk.op.listMonitors({
        query: {
          ...query,
          limit: pageParam ? PAGE_SIZE : FIRST_PAGE_SIZE,
          ...(pageParam ? { cursor: pageParam } : {}),
        },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 30_000,
  });
}

/**
 * The first page of the unfiltered list, asked for at the same time as `/me` when the app opens
 * on `/` (the layout waits for `/me` before it renders the list, which would otherwise ask only
 * then: two round trips one after the other).
 */
export function prefetchMonitorList(client: QueryClient): void {
  void client.prefetchInfiniteQuery(monitorListQuery({}));
}

/**
 * The monitors matching a filter, a server page at a time (cursor pagination; the server filters
 * by type, state, tag and name): 50 first (a screenful, sooner), then 200 a request. Further pages load as the list nears its end, or all of them
 * (in the background, the first page already shown) when `loadAll` is set: sorting other than
 * newest-first, grouping by tag and the wall need every monitor.
 */
export function useMonitorList(filter: ListFilter, loadAll: boolean) {
  const query: Query = {};
  if (filter.type) query.type = filter.type as NonNullable<Query["type"]>;
  if (filter.state) query.state = filter.state as NonNullable<Query["state"]>;
  if (filter.tag) query.tag = filter.tag;
  if (filter.q) query.q = filter.q;
  const list = useInfiniteQuery(monitorListQuery(query));
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = list;
  useEffect(() => {
    if (loadAll && hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [loadAll, hasNextPage, isFetchingNextPage, fetchNextPage, isError]);
  const monitors = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  return { list, monitors, complete: list.isSuccess && !hasNextPage };
}
