import type { Upblit } from "#sdk";
import type { Section } from "./file.ts";
import { type Item, KINDS, type KindSpec, type Refs } from "./kinds.ts";

/** The organization's resources of every kind, with their keys. */
export type ServerState = Record<Section, { items: Item[]; keyById: Map<string, string> }>;

/** Calls an operation by its id (the key routes are named per kind). */
export function call(client: Upblit, op: string, input?: unknown): Promise<unknown> {
  return client.call(op as never, input as never);
}

/**
 * Reads every resource a config may declare, through the public API. `withMonitorChannels`
 * also reads each monitor's channels (one request per monitor).
 */
export async function readState(client: Upblit, withMonitorChannels: boolean): Promise<ServerState> {
  const state = {} as ServerState;
  for (const kind of KINDS) {
    const items = await listAll(client, kind);
    const keys = (await call(client, kind.op.keys)) as { items: Array<{ key: string; id: string }> };
    state[kind.section] = { items, keyById: new Map(keys.items.map((k) => [k.id, k.key])) };
  }
  if (withMonitorChannels) {
    for (const monitor of state.monitors.items) {
      const res = (await call(client, "getMonitorChannels", { path: { id: monitor.id } })) as {
        channelIds: string[];
      };
      monitor.channelIds = res.channelIds;
    }
  }
  return state;
}

async function listAll(client: Upblit, kind: KindSpec): Promise<Item[]> {
  if (kind.section === "statusPages") {
    return ((await call(client, kind.op.list)) as { items: Item[] }).items;
  }
  const items: Item[] = [];
  for await (const item of client.items(kind.op.list as never, { query: { limit: 100 } } as never)) {
    items.push(item as Item);
  }
  return items;
}

/** Key ↔ id maps for every section, that apply extends as it creates resources. */
export class RefTable implements Refs {
  readonly #byId = new Map<string, string>();
  readonly #byKey = new Map<string, string>();

  set(section: Section, key: string, id: string): void {
    this.#byId.set(`${section}/${id}`, key);
    this.#byKey.set(`${section}/${key}`, id);
  }

  hasKey(section: Section, key: string): boolean {
    return this.#byKey.has(`${section}/${key}`);
  }

  keyOf(section: Section, id: string): string {
    return this.#byId.get(`${section}/${id}`) ?? `id:${id}`;
  }

  idOf(section: Section, key: string): string {
    const id = this.#byKey.get(`${section}/${key}`);
    if (!id) throw new Error(`${section} ${key} does not exist yet`);
    return id;
  }
}
