import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { api, unwrap } from "../../api/client.ts";
import { StateBadge } from "../../components/state-badge.tsx";
import { t } from "../../i18n/index.ts";

/** Placeholder list: the full list (groups, bulk, virtual rows) replaces it. */
export function MonitorsPage() {
  const monitors = useQuery({
    queryKey: ["monitors", "all"],
    queryFn: async () => unwrap(await api.GET("/api/v1/monitors", { params: { query: { limit: 200 } } })),
  });
  return (
    <section>
      <h1>{t("nav.monitors")}</h1>
      {monitors.isPending && <p className="muted">{t("loading")}</p>}
      <ul>
        {monitors.data?.items.map((m) => (
          <li key={m.id}>
            <StateBadge state={m.state} />{" "}
            <Link to="/monitors/$id" params={{ id: m.id }}>
              {m.name}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
