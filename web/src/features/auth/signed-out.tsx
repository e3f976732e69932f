import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useEffect, useRef, useState } from "react";
import { sdk } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";

/** Whether Upblit still waits for its first owner (`GET /api/v1/setup`). */
export function useSetupNeeded() {
  return useQuery({
    queryKey: ["setup"],
    queryFn: async () => (await sdk.op.getSetupState()).required,
    staleTime: 30_000,
  });
}

/**
 * Where a visitor without a session goes: the first-run screen on a fresh install, else sign-in
 * (coming back to `next` afterwards). Navigates once, replacing the page asked for in history.
 */
export function SignedOutRedirect({ next }: { next: string }) {
  const needed = useSetupNeeded();
  const navigate = useNavigate();
  // The page asked for, as it was on arrival: while the navigation runs, the location is already
  // the sign-in page's, and following it would nest `next` into itself without end.
  const [asked] = useState(next);
  const gone = useRef(false);
  const answer = needed.isPending ? undefined : needed.data === true;
  useEffect(() => {
    if (answer === undefined || gone.current) return;
    gone.current = true;
    if (answer) void navigate({ to: "/first-run", search: { token: undefined }, replace: true });
    else void navigate({ to: "/login", search: { next: asked }, replace: true });
  }, [answer, asked, navigate]);
  return <p className="muted">{t("loading")}</p>;
}
