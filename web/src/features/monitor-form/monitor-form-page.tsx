import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";
import { sdk } from "../../api/client.ts";
import { FormProblem } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { emptyForm, type FormState, fromMonitor } from "./form-model.ts";
import { useTypeCatalog } from "./monitor-api.ts";
import { MonitorForm } from "./monitor-form.tsx";

/** A monitor and the channels it alerts, for edit and clone. */
function useMonitorWithChannels(id: string | undefined) {
  return useQuery({
    queryKey: ["monitor", id, "with-channels"],
    enabled: id !== undefined,
    queryFn: async () => {
      const monitorId = id ?? "";
      const [monitor, channels] = await Promise.all([
        sdk.op.getMonitor({ path: { id: monitorId } }),
        sdk.op.getMonitorChannels({ path: { id: monitorId } }),
      ]);
      return { monitor, channelIds: channels.channelIds };
    },
    // The form copies what it is given once; a refetch must not reset typing.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

/** Skeleton of the form's size while the monitor loads, so nothing jumps. */
function FormSkeleton() {
  return (
    <div className="stack" aria-busy="true">
      <p className="visually-hidden">{t("loading")}</p>
      {[180, 260, 140, 220].map((h) => (
        <div key={h} className="skeleton" style={{ height: h }} />
      ))}
    </div>
  );
}

/** `/monitors/new`, or `/monitors/new?clone=<id>` prefilled from another monitor. */
export function NewMonitorPage() {
  const search = useSearch({ strict: false }) as { clone?: string };
  const navigate = useNavigate();
  const source = useMonitorWithChannels(search.clone);
  const catalog = useTypeCatalog();
  const cloning = search.clone !== undefined;
  let initial: FormState | undefined;
  if (!catalog.ready) initial = undefined;
  else if (!cloning) initial = emptyForm();
  else if (source.data) {
    initial = fromMonitor(source.data.monitor, source.data.channelIds, {
      name: t("monitorForm.copyName", { name: source.data.monitor.name }),
    });
  }
  return (
    <section className="monitor-form-page">
      <h1>{cloning ? t("monitorForm.cloneTitle") : t("monitorForm.newTitle")}</h1>
      {cloning && source.data && (
        <p className="muted">{t("monitorForm.cloneHint", { name: source.data.monitor.name })}</p>
      )}
      {source.error && <FormProblem error={source.error} />}
      {initial ? (
        <MonitorForm
          key={search.clone ?? "new"}
          initial={initial}
          onSaved={(id) => void navigate({ to: "/monitors/$id", params: { id } })}
          onCancel={() => void navigate({ to: "/" })}
        />
      ) : (
        !source.error && <FormSkeleton />
      )}
    </section>
  );
}

/** `/monitors/$id/edit`. */
export function EditMonitorPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const navigate = useNavigate();
  const source = useMonitorWithChannels(id);
  const catalog = useTypeCatalog();
  return (
    <section className="monitor-form-page">
      <p>
        <Link to="/monitors/$id" params={{ id }}>
          {t("monitorForm.backToMonitor")}
        </Link>
      </p>
      <h1>
        {source.data
          ? t("monitorForm.editTitle", { name: source.data.monitor.name })
          : t("monitorForm.editTitleLoading")}
      </h1>
      {source.error && <FormProblem error={source.error} />}
      {source.data && catalog.ready ? (
        <MonitorForm
          initial={fromMonitor(source.data.monitor, source.data.channelIds)}
          initialChannels={source.data.channelIds}
          monitorId={id}
          onSaved={() => void navigate({ to: "/monitors/$id", params: { id } })}
          onCancel={() => void navigate({ to: "/monitors/$id", params: { id } })}
        />
      ) : (
        !source.error && <FormSkeleton />
      )}
    </section>
  );
}
