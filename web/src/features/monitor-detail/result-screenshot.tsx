import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { sessionFetch } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";

/**
 * The screenshot a failed browser check took, fetched once it is shown (a result opened in the
 * history, or check now's answer). It is first fetched through the API client (the session's
 * cookie, and one refresh when the access token has expired, which a bare <img src> of the API
 * path cannot do); the <img> then shows the same path,
 * from the browser's cache (the API sends it `private, max-age=86400`) or again with the renewed
 * cookie. Not a blob: URL, so the dashboard's CSP stays `img-src 'self' data:`.
 */
export function ResultScreenshot({ path, at, shown }: { path: string; at: string; shown: boolean }) {
  const fetched = useQuery({
    queryKey: ["screenshot", path],
    queryFn: async () => {
      const res = await sessionFetch(new Request(new URL(path, window.location.origin)));
      if (!res.ok) throw new Error(t("detail.screenshotGone", { status: res.status }));
      await res.arrayBuffer();
      return true;
    },
    enabled: shown,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [broken, setBroken] = useState(false);
  if (fetched.error) return <p className="muted">{fetched.error.message}</p>;
  if (broken) return <p className="muted">{t("detail.screenshotBroken")}</p>;
  return (
    <figure className="result-screenshot">
      <a href={path} target="_blank" rel="noopener noreferrer">
        {fetched.data ? (
          <img
            src={path}
            alt={t("detail.screenshotAlt", { at })}
            width={640}
            height={400}
            onError={() => setBroken(true)}
          />
        ) : (
          <div
            className="skeleton"
            style={{ width: 640, maxWidth: "100%", aspectRatio: "8 / 5" }}
            aria-busy="true"
          />
        )}
      </a>
      <figcaption className="muted">{t("detail.screenshot")}</figcaption>
    </figure>
  );
}
