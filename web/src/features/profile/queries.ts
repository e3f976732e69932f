import "../settings-messages.ts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client.ts";

/** This account's open sessions (`GET /auth/sessions`). */
export function useSessions() {
  return useQuery({
    queryKey: ["profile", "sessions"],
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/sessions")),
  });
}

export function useRevokeSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.DELETE("/api/v1/auth/sessions/{id}", { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["profile", "sessions"] }),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: async (body: { currentPassword: string; newPassword: string }) =>
      unwrap(await api.POST("/api/v1/me/password", { body })),
  });
}

export function useChangeEmail() {
  return useMutation({
    mutationFn: async (body: { newEmail: string; currentPassword: string }) =>
      unwrap(await api.POST("/api/v1/me/email", { body })),
  });
}

/** Second-factor changes re-read `me` (its `totpEnabled`). */
function useMfaMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ["me"] }) });
}

export function useEnrollTotp() {
  return useMutation({
    mutationFn: async (password: string) => unwrap(await api.POST("/api/v1/me/totp", { body: { password } })),
  });
}

export function useConfirmTotp() {
  return useMfaMutation(async (code: string) =>
    unwrap(await api.POST("/api/v1/me/totp/confirm", { body: { code } })),
  );
}

export function useDisableTotp() {
  return useMfaMutation(async (body: { password: string; code: string }) =>
    unwrap(await api.POST("/api/v1/me/totp/disable", { body })),
  );
}

export function useNewRecoveryCodes() {
  return useMutation({
    mutationFn: async (body: { password: string; code: string }) =>
      unwrap(await api.POST("/api/v1/me/recovery-codes", { body })),
  });
}
