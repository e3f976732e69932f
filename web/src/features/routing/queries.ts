import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client.ts";
import type { components } from "../../api/schema";

export type Rule = components["schemas"]["AlertRule"];

/** Every alert rule of the organization (at most 100), oldest first. */
export function useRules() {
  return useQuery({
    queryKey: ["alert-rules"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/alert-rules", { params: { query: { limit: 200 } } })).items,
  });
}
