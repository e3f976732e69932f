import "../settings-messages.ts";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client.ts";
import type { components } from "../../api/schema";

export type Member = components["schemas"]["Member"];
export type Invitation = components["schemas"]["Invitation"];
export type InvitationSent = components["schemas"]["InvitationSent"];
export type Role = Member["role"];
export const ROLES: Role[] = ["viewer", "editor", "admin", "owner"];

/** The roles `mine` may hand out: up to admin for admins, all four for owners. */
export function grantableRoles(mine: string | undefined): Role[] {
  if (mine === "owner") return ROLES;
  if (mine === "admin") return ["viewer", "editor", "admin"];
  return [];
}

/** The organization's members, 100 a page (`GET /members`). */
export function useMemberPages() {
  return useInfiniteQuery({
    queryKey: ["team", "members"],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/v1/members", { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Invitations still waiting for an answer (admins only). */
export function usePendingInvitations(enabled: boolean) {
  return useQuery({
    queryKey: ["team", "invitations"],
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/invitations", { params: { query: { status: "pending", limit: 200 } } })),
  });
}

/** Every change here re-reads the team, the organization and `me` (roles, names). */
function useTeamMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["team"] });
      void client.invalidateQueries({ queryKey: ["me"] });
    },
  });
}

export function useChangeRole() {
  return useTeamMutation(async ({ userId, role }: { userId: string; role: Role }) =>
    unwrap(await api.PATCH("/api/v1/members/{userId}", { params: { path: { userId } }, body: { role } })),
  );
}

export function useRemoveMember() {
  return useTeamMutation(async (userId: string) =>
    unwrap(await api.DELETE("/api/v1/members/{userId}", { params: { path: { userId } } })),
  );
}

export function useTransferOwnership() {
  return useTeamMutation(async (userId: string) =>
    unwrap(await api.POST("/api/v1/members/{userId}/transfer-ownership", { params: { path: { userId } } })),
  );
}

export function useLeave() {
  return useTeamMutation(async () => unwrap(await api.POST("/api/v1/members/me/leave", {})));
}

export function useInvite() {
  return useTeamMutation(async (body: { email: string; role: Role }) =>
    unwrap(await api.POST("/api/v1/invitations", { body })),
  );
}

export function useResendInvitation() {
  return useTeamMutation(async (id: string) =>
    unwrap(await api.POST("/api/v1/invitations/{id}/resend", { params: { path: { id } } })),
  );
}

export function useRevokeInvitation() {
  return useTeamMutation(async (id: string) =>
    unwrap(await api.POST("/api/v1/invitations/{id}/revoke", { params: { path: { id } } })),
  );
}

export function useRenameOrganization() {
  return useTeamMutation(async (name: string) =>
    unwrap(await api.PATCH("/api/v1/organization", { body: { name } })),
  );
}

export function useCreateOrganization() {
  return useTeamMutation(async (name: string) =>
    unwrap(await api.POST("/api/v1/organizations", { body: { name } })),
  );
}

export function useDeleteOrganization() {
  return useMutation({
    mutationFn: async (confirm: string) =>
      unwrap(await api.DELETE("/api/v1/organization", { body: { confirm } })),
  });
}
