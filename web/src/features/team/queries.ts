import "../settings-messages.ts";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
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
    queryFn: async ({ pageParam }) => await sdk.op.listMembers({ query: { limit: 100, cursor: pageParam } }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Invitations still waiting for an answer (admins only). */
export function usePendingInvitations(enabled: boolean) {
  return useQuery({
    queryKey: ["team", "invitations"],
    enabled,
    queryFn: async () => await sdk.op.listInvitations({ query: { status: "pending", limit: 200 } }),
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
  return useTeamMutation(
    async ({ userId, role }: { userId: string; role: Role }) =>
      await sdk.op.updateMember({ path: { userId }, body: { role } }),
  );
}

export function useRemoveMember() {
  return useTeamMutation(async (userId: string) => await sdk.op.removeMember({ path: { userId } }));
}

export function useTransferOwnership() {
  return useTeamMutation(async (userId: string) => await sdk.op.transferOwnership({ path: { userId } }));
}

export function useLeave() {
  return useTeamMutation(async () => await sdk.op.leaveOrganization());
}

export function useInvite() {
  return useTeamMutation(
    async (body: { email: string; role: Role }) => await sdk.op.createInvitation({ body }),
  );
}

export function useResendInvitation() {
  return useTeamMutation(async (id: string) => await sdk.op.resendInvitation({ path: { id } }));
}

export function useRevokeInvitation() {
  return useTeamMutation(async (id: string) => await sdk.op.revokeInvitation({ path: { id } }));
}

export function useRenameOrganization() {
  return useTeamMutation(async (name: string) => await sdk.op.updateOrganization({ body: { name } }));
}

export function useCreateOrganization() {
  return useTeamMutation(async (name: string) => await sdk.op.createOrganization({ body: { name } }));
}

export function useDeleteOrganization() {
  return useMutation({
    mutationFn: async (confirm: string) => await sdk.op.deleteOrganization({ body: { confirm } }),
  });
}
