import { useQuery } from "@tanstack/react-query";
import { ApiError, api, type Problem, sessionFetch, unwrap } from "../../api/client.ts";
import { type CheckOutcome, readOutcome } from "./check-result.tsx";
import { setTypeCatalog } from "./type-catalog.ts";

/**
 * Calls for the monitor screens that go beyond plain typed reads. `POST /monitors/test` and
 * `POST /monitors/{id}/check?wait=true` are sent through the same session fetch as the typed
 * client (cookies, CSRF, one refresh), and their answers read leniently: the result itself or
 * `{ result }`.
 */
async function send(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await sessionFetch(
    new Request(new URL(path, window.location.origin), {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const p = (data ?? {}) as Partial<Problem>;
    throw new ApiError({
      type: p.type ?? "about:blank",
      title: p.title ?? response.statusText,
      status: p.status ?? response.status,
      ...(p.detail ? { detail: p.detail } : {}),
      ...(p.code ? { code: p.code } : {}),
      ...(p.errors ? { errors: p.errors } : {}),
    });
  }
  return data;
}

/** Runs one check of an unsaved definition and returns its outcome; nothing is stored. */
export async function testDefinition(body: Record<string, unknown>): Promise<CheckOutcome> {
  const data = await send("POST", "/api/v1/monitors/test", body);
  const outcome = readOutcome(data);
  if (!outcome) throw new Error("The test answered without a result");
  return outcome;
}

/**
 * Check now and its result: `?wait=true` answers with the result; a server that only queues the
 * check (202 with `slotAt`) is followed up by reading that manual result once it is stored.
 */
export async function checkNow(monitorId: string, timeoutMs = 60_000): Promise<CheckOutcome> {
  const path = `/api/v1/monitors/${encodeURIComponent(monitorId)}/check?wait=true`;
  const data = await send("POST", path);
  const outcome = readOutcome(data);
  if (outcome) return outcome;
  const slotAt = (data as { slotAt?: string } | undefined)?.slotAt;
  const deadline = Date.now() + timeoutMs;
  while (slotAt && Date.now() < deadline) {
    const page = unwrap(
      await api.GET("/api/v1/monitors/{id}/results", {
        params: { path: { id: monitorId }, query: { from: slotAt, limit: 20 } },
      }),
    );
    const mine = page.items.find((r) => r.manual && Date.parse(r.slotAt) >= Date.parse(slotAt));
    const found = mine ? readOutcome(mine) : undefined;
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("The check did not report back in time");
}

/** Sets the channels a monitor alerts besides the default ones. */
export async function setMonitorChannels(monitorId: string, channelIds: string[]): Promise<void> {
  unwrap(
    await api.PUT("/api/v1/monitors/{id}/channels", {
      params: { path: { id: monitorId } },
      body: { channelIds },
    }),
  );
}

/**
 * The server's monitor types (`GET /monitor-types`), handed to the type catalogue before the form
 * renders. Should the call fail, the form still offers the six first types (hand-made fields).
 */
export function useTypeCatalog(): { ready: boolean } {
  const query = useQuery({
    queryKey: ["monitor-types"],
    queryFn: async () => {
      const items = unwrap(await api.GET("/api/v1/monitor-types")).items;
      setTypeCatalog(items);
      return items;
    },
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  return { ready: query.isSuccess || query.isError };
}
