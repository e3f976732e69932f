import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import type { components, paths } from "../../api/schema";
import type { JsonSchema } from "./schema-form.ts";
import "./messages.ts";

export type Channel = components["schemas"]["Channel"];
export type CreatedChannel = components["schemas"]["CreatedChannel"];
export type ChannelKind = Omit<components["schemas"]["ChannelKind"], "config" | "secrets"> & {
  config: JsonSchema;
  secrets: JsonSchema;
};
export type ChannelTemplate = components["schemas"]["ChannelTemplate"];
export type Preview = components["schemas"]["ChannelPreview"];
type Json<P extends keyof paths, M extends "get" | "post"> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer T } } };
}
  ? T
  : never;
export type LastDelivery = Json<"/api/v1/notifications/last-per-channel", "get">["items"][number];
export type Delivery = Json<"/api/v1/notifications", "get">["items"][number];

/** The events a channel can listen to, in the API's order. */
export const CHANNEL_EVENTS = ["down", "up", "degraded", "certificate", "acknowledged"] as const;
export type ChannelEvent = (typeof CHANNEL_EVENTS)[number];

/** The events a preview can show: the channel's events and the follow-ups and the test-send. */
export const PREVIEW_EVENTS = [
  "down",
  "up",
  "degraded",
  "reminder",
  "escalation",
  "acknowledged",
  "certificate",
  "test",
] as const;
export type PreviewEvent = (typeof PREVIEW_EVENTS)[number];

/** Every channel of the organization (a few dozen at most; pages of 200). */
export function useChannels() {
  return useQuery({
    queryKey: ["channels"],
    queryFn: async () => {
      const all: Channel[] = [];
      let cursor: string | undefined;
      do {
        const page = await sdk.op.listChannels({ query: { limit: 200, ...(cursor ? { cursor } : {}) } });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
  });
}

export function useChannel(id: string) {
  return useQuery({
    queryKey: ["channel", id],
    queryFn: async () => await sdk.op.getChannel({ path: { id } }),
  });
}

/** The kinds with their settings' schemas; they change only with the server. */
export function useChannelKinds() {
  return useQuery({
    queryKey: ["channel-kinds"],
    queryFn: async () => (await sdk.op.listChannelKinds()).items as ChannelKind[],
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useLastDeliveries() {
  return useQuery({
    queryKey: ["channels", "last-deliveries"],
    queryFn: async () => {
      const items = (await sdk.op.listLastDeliveryPerChannel()).items;
      return new Map(items.map((d) => [d.channelId, d]));
    },
  });
}

/** Sends a test message now; the answer is what the receiver said. */
export function useTestSend(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => await sdk.op.testChannel({ path: { id } }),
    onSettled: () => client.invalidateQueries({ queryKey: ["channel", id] }),
  });
}

/** Deletes a channel and forgets the cached lists. */
export function useDeleteChannel(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => await sdk.op.deleteChannel({ path: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["channels"] }),
  });
}
