import { useQuery } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import { type CheckOutcome, readOutcome } from "./check-result.tsx";
import { setTypeCatalog } from "./type-catalog.ts";

/**
 * Calls for the monitor screens that go beyond plain typed reads. `POST /monitors/test` and
 * `POST /monitors/{id}/check?wait=true` are sent through the SDK's raw `request` (the same
 * session fetch: cookies, CSRF, one refresh), and their answers read leniently: the result itself
 * or `{ result }`.
 */
function send(
  path: string,
  options: { body?: unknown; pathParams?: Record<string, string>; query?: Record<string, unknown> } = {},
): Promise<unknown> {
  return sdk.request({ method: "POST", path, ...options });
}

/** Runs one check of an unsaved definition and returns its outcome; nothing is stored. */
export async function testDefinition(body: Record<string, unknown>): Promise<CheckOutcome> {
  const data = await send("/api/v1/monitors/test", { body });
  const outcome = readOutcome(data);
  if (!outcome) throw new Error("The test answered without a result");
  return outcome;
}

/**
 * Check now and its result: `?wait=true` answers with the result; a server that only queues the
 * check (202 with `slotAt`) is followed up by reading that manual result once it is stored.
 */
export async function checkNow(monitorId: string, timeoutMs = 60_000): Promise<CheckOutcome> {
  const data = await send("/api/v1/monitors/{id}/check", {
    pathParams: { id: monitorId },
    query: { wait: true },
  });
  const outcome = readOutcome(data);
  if (outcome) return outcome;
  const slotAt = (data as { slotAt?: string } | undefined)?.slotAt;
  const deadline = Date.now() + timeoutMs;
  while (slotAt && Date.now() < deadline) {
    const page = await sdk.op.listMonitorResults({
      path: { id: monitorId },
      query: { from: slotAt, limit: 20 },
    });
    const mine = page.items.find((r) => r.manual && Date.parse(r.slotAt) >= Date.parse(slotAt));
    const found = mine ? readOutcome(mine) : undefined;
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("The check did not report back in time");
}

/** Sets the channels a monitor alerts besides the default ones. */
export async function setMonitorChannels(monitorId: string, channelIds: string[]): Promise<void> {
  await sdk.op.setMonitorChannels({ path: { id: monitorId }, body: { channelIds } });
}

/**
 * The server's monitor types (`GET /monitor-types`), handed to the type catalogue before the form
 * renders. Should the call fail, the form still offers the six first types (hand-made fields).
 */
export function useTypeCatalog(): { ready: boolean } {
  const query = useQuery({
    queryKey: ["monitor-types"],
    queryFn: async () => {
      const items = (await sdk.op.listMonitorTypes()).items;
      setTypeCatalog(items);
      return items;
    },
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  return { ready: query.isSuccess || query.isError };
}
