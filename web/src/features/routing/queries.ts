import { useQuery } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import type { components } from "../../api/schema";

export type Rule = components["schemas"]["AlertRule"];

/** Every alert rule of the organization (at most 100), oldest first. */
export function useRules() {
  return useQuery({
    queryKey: ["alert-rules"],
    queryFn: async () => (await sdk.op.listAlertRules({ query: { limit: 200 } })).items,
  });
}
