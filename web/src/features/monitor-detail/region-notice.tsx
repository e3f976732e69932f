import { useQuery } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";

/**
 * The monitor's regions that have no live probe (docs/regions.md): never a silent skip. Its quorum
 * counts them as unknown, so say so beside the state; nothing shows while every region is live.
 */
export function RegionNotice({ regions }: { regions: string[] }) {
  const all = useQuery({
    queryKey: ["regions"],
    queryFn: async () => await sdk.op.listRegions(),
    refetchInterval: 30_000,
  });
  const silent = (all.data?.items ?? []).filter((r) => r.status === "silent" && regions.includes(r.name));
  if (silent.length === 0) return null;
  return (
    <p className="notice" role="status">
      {t("detail.silentRegions", { regions: silent.map((r) => r.name).join(", ") })}
    </p>
  );
}
