import { type Command, Option } from "commander";
import type { components, Upblit } from "#sdk";
import { registerConfigCommands } from "./config/commands.ts";
import { ClientError, configPath, readClientConfig, writeClientConfig } from "./contexts.ts";
import { registerImportCommands } from "./import/commands.ts";
import { ago, type Column, render, table } from "./output.ts";
import { action, type CommonOptions, clientFor, formatOf, readObjectFile } from "./run.ts";
import { watch } from "./watch.ts";

type Monitor = components["schemas"]["Monitor"];
type Incident = components["schemas"]["Incident"];
type StatusPage = components["schemas"]["StatusPage"];
type Channel = components["schemas"]["Channel"];

const MONITOR_COLUMNS: Column<Monitor>[] = [
  { header: "ID", value: (m) => m.id },
  { header: "NAME", value: (m) => m.name },
  { header: "TYPE", value: (m) => m.type },
  { header: "STATE", value: (m) => m.state },
  { header: "TARGET", value: (m) => m.target },
  { header: "CHECKED", value: (m) => ago(m.lastCheckedAt) },
];
const INCIDENT_COLUMNS: Column<Incident>[] = [
  { header: "ID", value: (i) => i.id },
  { header: "MONITOR", value: (i) => i.monitorId },
  { header: "STATUS", value: (i) => i.status },
  { header: "WORKFLOW", value: (i) => i.workflowStatus },
  { header: "STARTED", value: (i) => ago(i.startedAt) },
  { header: "CAUSE", value: (i) => i.cause },
];
const PAGE_COLUMNS: Column<StatusPage>[] = [
  { header: "ID", value: (p) => p.id },
  { header: "SLUG", value: (p) => p.slug },
  { header: "TITLE", value: (p) => p.title },
  { header: "VISIBILITY", value: (p) => p.visibility },
  { header: "URL", value: (p) => p.url },
];
const CHANNEL_COLUMNS: Column<Channel>[] = [
  { header: "ID", value: (c) => c.id },
  { header: "NAME", value: (c) => c.name },
  { header: "KIND", value: (c) => c.kind },
  { header: "ENABLED", value: (c) => (c.enabled ? "yes" : `no (${c.disabledReason ?? "disabled"})`) },
  { header: "DEFAULT", value: (c) => (c.isDefault ? "yes" : "no") },
];

/** --context, --json, --yaml on a client command. */
function common(cmd: Command): Command {
  return cmd
    .option("--context <name>", "the login context to use (default: the current one)")
    .addOption(new Option("--json", "print JSON").conflicts("yaml"))
    .option("--yaml", "print YAML");
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const print = (text: string): void => {
  process.stdout.write(text);
};

/** `upblit login`, contexts, and the client commands on the SDK (docs/cli.md#client-commands). */
export function registerClientCommands(program: Command): void {
  registerLogin(program);
  registerMonitors(program);
  registerIncidents(program);
  registerConfigCommands(program);
  registerImportCommands(program);
  const pages = program.command("status-pages").description("Status pages of the organization");
  common(pages.command("ls").description("List status pages")).action(
    action(async (o: CommonOptions) => {
      const { items } = await clientFor(o).op.listStatusPages();
      print(render(items, formatOf(o), PAGE_COLUMNS));
    }),
  );
  const channels = program.command("channels").description("Notification channels");
  common(channels.command("ls").description("List channels")).action(
    action(async (o: CommonOptions) => {
      const items = await all(clientFor(o).items("listChannels"));
      print(render(items, formatOf(o), CHANNEL_COLUMNS));
    }),
  );
  common(channels.command("test").description("Send a test message now").argument("<id>")).action(
    action(async (id: string, o: CommonOptions) => {
      const result = await clientFor(o).op.testChannel({ path: { id } });
      if (formatOf(o) !== "table") return print(render(result, formatOf(o), []));
      print(result.ok ? `sent (HTTP ${result.statusCode ?? "-"})\n` : `failed: ${result.error}\n`);
      if (!result.ok) process.exitCode = 1;
    }),
  );
}

function registerLogin(program: Command): void {
  program
    .command("login")
    .description("Save a server URL and API key as a named context (the file is mode 0600)")
    .requiredOption("--url <url>", "the server's address, e.g. https://upblit.example.com")
    .option("--api-key <key>", "an API key (upb_…); default: $UPBLIT_API_KEY, or read from stdin")
    .option("--context <name>", "the context's name", "default")
    .action(
      action(async (o: { url: string; apiKey?: string; context: string }) => {
        const apiKey = o.apiKey ?? process.env.UPBLIT_API_KEY ?? (await readStdin());
        if (!apiKey) throw new ClientError(2, "give an API key: --api-key, $UPBLIT_API_KEY or stdin");
        const url = o.url.replace(/\/+$/, "");
        const client = clientFor({}, { UPBLIT_URL: url, UPBLIT_API_KEY: apiKey });
        const org = await client.op.getOrganization();
        const config = readClientConfig();
        config.contexts[o.context] = { url, apiKey };
        config.current = o.context;
        writeClientConfig(config);
        print(`Logged in to ${org.name} at ${url} (context ${o.context}, saved in ${configPath()})\n`);
      }),
    );
  program
    .command("contexts")
    .description("List saved contexts; * marks the current one")
    .action(
      action(async () => {
        const config = readClientConfig();
        const rows = Object.entries(config.contexts).map(([name, c]) => [
          name === config.current ? "*" : "",
          name,
          c.url,
        ]);
        print(table(["", "NAME", "URL"], rows));
      }),
    );
  program
    .command("use-context")
    .description("Make a saved context the current one")
    .argument("<name>")
    .action(
      action(async (name: string) => {
        const config = readClientConfig();
        if (!config.contexts[name]) throw new ClientError(2, `no context named ${name}`);
        writeClientConfig({ ...config, current: name });
        print(`Using ${name} (${config.contexts[name].url})\n`);
      }),
    );
}

interface MonitorFlags extends CommonOptions {
  file?: string;
  name?: string;
  type?: string;
  target?: string;
  interval?: string;
  timeout?: string;
  tag?: string[];
  paused?: boolean;
}

/** The body from `-f` (JSON or YAML) with the flags on top. */
function monitorBody(o: MonitorFlags): Record<string, unknown> {
  const body: Record<string, unknown> = o.file ? readObjectFile(o.file) : {};
  if (o.name !== undefined) body.name = o.name;
  if (o.type !== undefined) body.type = o.type;
  if (o.target !== undefined) body.target = o.target;
  if (o.interval !== undefined) body.intervalSeconds = Number(o.interval);
  if (o.timeout !== undefined) body.timeoutMs = Number(o.timeout);
  if (o.tag !== undefined) body.tags = o.tag;
  if (o.paused !== undefined) body.paused = o.paused;
  return body;
}

function monitorFlags(cmd: Command): Command {
  return common(cmd)
    .option("-f, --file <file>", "the monitor as JSON or YAML (docs/monitors.md); flags override it")
    .option("--name <name>")
    .option("--type <type>", "http, keyword, json, tcp, dns or tls")
    .option("--target <target>", "URL, host:port or hostname, by type")
    .option("--interval <seconds>")
    .option("--timeout <ms>")
    .option("--tag <tag...>", "tags (repeat or list)")
    .option("--paused", "create it paused");
}

function registerMonitors(program: Command): void {
  const monitors = program.command("monitors").description("Monitors: what to watch");
  common(monitors.command("ls").description("List monitors"))
    .option("--state <state>", "only monitors in this state (up, down, degraded, paused…)")
    .option("--type <type>")
    .option("--tag <tag>")
    .option("-q, --query <text>", "name contains")
    .option("-w, --watch", "keep the list on screen, updated live")
    .action(
      action(
        async (
          o: CommonOptions & { state?: string; type?: string; tag?: string; query?: string; watch?: boolean },
        ) => {
          const client = clientFor(o);
          const query = { state: o.state, type: o.type, tag: o.tag, q: o.query } as Record<string, string>;
          const draw = async () =>
            render(await all(client.items("listMonitors", { query })), formatOf(o), MONITOR_COLUMNS);
          if (o.watch) return watch(client, draw);
          print(await draw());
        },
      ),
    );
  common(monitors.command("get").description("Show one monitor").argument("<id>")).action(
    action(async (id: string, o: CommonOptions) => {
      const monitor = await clientFor(o).op.getMonitor({ path: { id } });
      print(
        render(monitor, formatOf(o), [
          ...MONITOR_COLUMNS,
          { header: "INTERVAL", value: (m) => `${m.intervalSeconds}s` },
          { header: "TAGS", value: (m) => m.tags },
        ]),
      );
    }),
  );
  monitorFlags(monitors.command("create").description("Create a monitor")).action(
    action(async (o: MonitorFlags) => {
      const body = monitorBody(o) as Parameters<Upblit["op"]["createMonitor"]>[0] extends infer I
        ? I extends { body?: infer B }
          ? B
          : never
        : never;
      const monitor = await clientFor(o).op.createMonitor({ body });
      print(render(monitor, formatOf(o), MONITOR_COLUMNS));
    }),
  );
  monitorFlags(monitors.command("edit").description("Change a monitor's fields").argument("<id>")).action(
    action(async (id: string, o: MonitorFlags) => {
      const body = monitorBody(o);
      if (Object.keys(body).length === 0) throw new ClientError(2, "nothing to change: give -f or a flag");
      const monitor = await clientFor(o).op.updateMonitor({ path: { id }, body: body as never });
      print(render(monitor, formatOf(o), MONITOR_COLUMNS));
    }),
  );
  for (const [verb, op] of [
    ["pause", "pauseMonitor"],
    ["resume", "resumeMonitor"],
  ] as const) {
    common(
      monitors
        .command(verb)
        .description(`${verb === "pause" ? "Pause" : "Resume"} a monitor`)
        .argument("<id>"),
    ).action(
      action(async (id: string, o: CommonOptions) => {
        const monitor = await clientFor(o).op[op]({ path: { id } });
        print(render(monitor, formatOf(o), MONITOR_COLUMNS));
      }),
    );
  }
  common(monitors.command("rm").description("Delete a monitor and its history").argument("<id>")).action(
    action(async (id: string, o: CommonOptions) => {
      await clientFor(o).op.deleteMonitor({ path: { id } });
      if (formatOf(o) === "table") print(`deleted ${id}\n`);
    }),
  );
  common(monitors.command("check").description("Check now and wait for the result").argument("<id>"))
    .option("--no-wait", "return once the check is queued")
    .action(
      action(async (id: string, o: CommonOptions & { wait: boolean }) => {
        if (o.wait && process.stderr.isTTY) process.stderr.write(`checking ${id}…\n`);
        const result = await clientFor(o).op.checkMonitor({
          path: { id },
          query: { wait: o.wait ? "true" : "false" },
        });
        if (formatOf(o) !== "table") return print(render(result ?? null, formatOf(o), []));
        const r = result as { status?: string; totalMs?: number | null; error?: string | null } | undefined;
        print(
          r?.status
            ? `${r.status}${r.totalMs != null ? ` in ${Math.round(r.totalMs)} ms` : ""}${r.error ? `: ${r.error}` : ""}\n`
            : "check queued\n",
        );
      }),
    );
}

function registerIncidents(program: Command): void {
  const incidents = program.command("incidents").description("Incidents: opened when a monitor goes down");
  common(incidents.command("ls").description("List incidents, newest first"))
    .addOption(new Option("--status <status>").choices(["open", "resolved"]))
    .option("--monitor <id>", "only this monitor's")
    .option("-w, --watch", "keep the list on screen, updated live")
    .action(
      action(
        async (o: CommonOptions & { status?: "open" | "resolved"; monitor?: string; watch?: boolean }) => {
          const client = clientFor(o);
          const draw = async () => {
            const page = await client.op.listIncidents({
              query: { status: o.status, monitorId: o.monitor, limit: 50 },
            });
            return render(page.items, formatOf(o), INCIDENT_COLUMNS);
          };
          if (o.watch) return watch(client, draw);
          print(await draw());
        },
      ),
    );
  common(incidents.command("show").description("Show an incident and its timeline").argument("<id>")).action(
    action(async (id: string, o: CommonOptions) => {
      const client = clientFor(o);
      const incident = await client.op.getIncident({ path: { id } });
      if (formatOf(o) !== "table") return print(render(incident, formatOf(o), []));
      const detail = incident as unknown as Incident & { acknowledgement?: { at?: string } | null };
      print(
        render(detail, "table", [
          ...INCIDENT_COLUMNS,
          { header: "ACKNOWLEDGED", value: (i) => (i as typeof detail).acknowledgement?.at ?? "no" },
        ]),
      );
      const notes = await client.op.listIncidentNotes({ path: { id } });
      for (const note of (notes as { items?: Array<{ at: string; body: string }> }).items ?? []) {
        print(`\n${note.at}\n  ${note.body.replace(/\n/g, "\n  ")}\n`);
      }
    }),
  );
  common(incidents.command("ack").description("Acknowledge an open incident").argument("<id>"))
    .option("--note <text>", "a short note with the acknowledgement")
    .action(
      action(async (id: string, o: CommonOptions & { note?: string }) => {
        const ack = await clientFor(o).op.acknowledgeIncident({
          path: { id },
          body: o.note ? { note: o.note } : {},
        });
        if (formatOf(o) !== "table") return print(render(ack, formatOf(o), []));
        print(`acknowledged ${id}\n`);
      }),
    );
  common(
    incidents
      .command("note")
      .description("Add a note (markdown) to an incident")
      .argument("<id>")
      .argument("<text>"),
  ).action(
    action(async (id: string, text: string, o: CommonOptions) => {
      const note = await clientFor(o).op.addIncidentNote({ path: { id }, body: { body: text } });
      if (formatOf(o) !== "table") return print(render(note, formatOf(o), []));
      print(`noted on ${id}\n`);
    }),
  );
}

async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim() || undefined;
}
