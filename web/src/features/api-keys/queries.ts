import "../settings-messages.ts";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import type { components } from "../../api/schema";
import type { Scope } from "./scopes.ts";

export type ApiKey = components["schemas"]["ApiKey"];
export type NewApiKey = components["schemas"]["NewApiKey"];

export function useApiKeyPages(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: ["api-keys"],
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => await sdk.op.listApiKeys({ query: { limit: 100, cursor: pageParam } }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function useKeyMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function useCreateApiKey() {
  return useKeyMutation(
    async (body: { name: string; scopes: Scope[]; expiresAt?: string }) =>
      await sdk.op.createApiKey({ body }),
  );
}

export function useRotateApiKey() {
  return useKeyMutation(async (id: string) => await sdk.op.rotateApiKey({ path: { id } }));
}

export function useRevokeApiKey() {
  return useKeyMutation(async (id: string) => await sdk.op.revokeApiKey({ path: { id } }));
}
