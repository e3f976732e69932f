import { useQuery } from "@tanstack/react-query";
import { ApiError, sdk } from "../api/client.ts";
import type { components, paths } from "../api/schema";

export type Me = paths["/api/v1/me"]["get"]["responses"]["200"]["content"]["application/json"];
export type Monitor = components["schemas"]["Monitor"];

/** The signed-in person (`null` when there is no session). */
export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async (): Promise<Me | null> => {
      try {
        return await sdk.op.getMe();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** The role the person has in the organization the session acts in. */
export function currentRole(me: Me): string | undefined {
  return me.organizations.find((o) => o.id === me.currentOrganizationId)?.role;
}
