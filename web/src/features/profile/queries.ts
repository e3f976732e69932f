import "../settings-messages.ts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";

/** This account's open sessions (`GET /auth/sessions`). */
export function useSessions() {
  return useQuery({
    queryKey: ["profile", "sessions"],
    queryFn: async () => await sdk.op.listSessions(),
  });
}

export function useRevokeSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => await sdk.op.endSession({ path: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["profile", "sessions"] }),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: async (body: { currentPassword: string; newPassword: string }) =>
      await sdk.op.changePassword({ body }),
  });
}

export function useChangeEmail() {
  return useMutation({
    mutationFn: async (body: { newEmail: string; currentPassword: string }) =>
      await sdk.op.changeEmail({ body }),
  });
}

/** Second-factor changes re-read `me` (its `totpEnabled`). */
function useMfaMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ["me"] }) });
}

export function useEnrollTotp() {
  return useMutation({
    mutationFn: async (password: string) => await sdk.op.startTotpEnrollment({ body: { password } }),
  });
}

export function useConfirmTotp() {
  return useMfaMutation(async (code: string) => await sdk.op.confirmTotp({ body: { code } }));
}

export function useDisableTotp() {
  return useMfaMutation(
    async (body: { password: string; code: string }) => await sdk.op.disableTotp({ body }),
  );
}

export function useNewRecoveryCodes() {
  return useMutation({
    mutationFn: async (body: { password: string; code: string }) =>
      await sdk.op.replaceRecoveryCodes({ body }),
  });
}
