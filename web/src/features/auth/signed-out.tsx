import { useQuery } from "@tanstack/react-query";
import { Navigate } from "@tanstack/react-router";
import { api, unwrap } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";

/** Whether Upblit still waits for its first owner (`GET /api/v1/setup`). */
export function useSetupNeeded() {
  return useQuery({
    queryKey: ["setup"],
    queryFn: async () => unwrap(await api.GET("/api/v1/setup")).required,
    staleTime: 30_000,
  });
}

/**
 * Where a visitor without a session goes: the first-run screen on a fresh install, else sign-in
 * (coming back to `next` afterwards).
 */
export function SignedOutRedirect({ next }: { next: string }) {
  const needed = useSetupNeeded();
  if (needed.isPending) return <p className="muted">{t("loading")}</p>;
  if (needed.data) return <Navigate to="/first-run" search={{ token: undefined }} />;
  return <Navigate to="/login" search={{ next }} />;
}
