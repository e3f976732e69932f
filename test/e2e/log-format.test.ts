import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  exitWithin,
  freePort,
  patientTest,
  ROOT,
  runCli,
  tempDir,
  waitFor,
  waitForOutput,
} from "./helpers.ts";

// The log's format follows where stdout goes: a terminal gets readable lines, anything else JSON
// lines (LOG_FORMAT forces one). A terminal is a real pseudo-terminal here, made by util-linux's
// `script`, as a person's shell would give the process.

const tmp = tempDir("logs");
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) child.kill("SIGKILL");
  tmp.remove();
});
const dataDir = path.join(tmp.dir, "data");

/** `upblit start` with stdin, stdout and stderr on one pseudo-terminal; Ctrl-C stops it, as a person would. */
function startOnTerminal(port: number, env: Record<string, string> = {}) {
  const command = `exec ${JSON.stringify(process.execPath)} bin/upblit.js start`;
  const child: ChildProcess = spawn("script", ["-qefc", command, "/dev/null"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: String(port), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  started.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const p = {
    child,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    stdout: () => out,
    stderr: () => "",
    exited,
  };
  return { p, interrupt: () => child.stdin!.write("\x03") };
}

const lines = (text: string) =>
  text
    .replace(/\r/g, "")
    .split("\n")
    .filter((l) => l.trim() !== "");

describe("log format", () => {
  it(
    "piped: JSON lines on stdout; the address and the first-run link as plain lines on stderr",
    async () => {
      const port = await freePort();
      const p = runCli(["start"], { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "info" });
      await waitForOutput(p, /No account yet\. Open this link to set up Upblit:\n {2}(http\S+)\n/);
      started.push(p.child);
      await waitFor("the listening line", () => /Upblit is listening on /.test(p.stderr()));
      await waitFor("the listening entry", () => p.stdout().includes('"msg":"Upblit is listening"'));
      const entries = lines(p.stdout()).map((l) => JSON.parse(l) as { msg: string; url?: string });
      expect(entries.find((e) => e.msg === "Upblit is listening")?.url).toBe(`http://127.0.0.1:${port}`);
      expect(p.stderr()).toContain(
        `Upblit is listening on http://127.0.0.1:${port} (API docs: http://127.0.0.1:${port}/api/docs)\n`,
      );
      expect(p.stderr()).toMatch(
        new RegExp(
          `\\nNo account yet\\. Open this link to set up Upblit:\\n {2}http://127\\.0\\.0\\.1:${port}/setup\\?token=[\\w-]+\\n`,
        ),
      );
      p.child.kill("SIGTERM");
      expect((await exitWithin(p)).code).toBe(0);
    },
    patientTest(3),
  );

  it(
    "on a terminal: readable lines, no JSON; LOG_FORMAT=json brings JSON back",
    async () => {
      const port = await freePort();
      const pretty = startOnTerminal(port);
      await waitForOutput(pretty.p, /Upblit is listening on /);
      await waitForOutput(pretty.p, /INFO.*\[lifecycle\].* Upblit is listening/);
      const shown = lines(pretty.p.output()).map((l) => stripVTControlCharacters(l));
      expect(shown.filter((l) => l.startsWith("{"))).toEqual([]);
      expect(shown.some((l) => /^\[\d\d:\d\d:\d\d\] INFO: \[lifecycle\] Upblit is listening /.test(l))).toBe(
        true,
      );
      pretty.interrupt();
      expect((await exitWithin(pretty.p)).code).toBe(0);

      const json = startOnTerminal(port, { LOG_FORMAT: "json" });
      await waitForOutput(json.p, /Upblit is listening on /);
      await waitForOutput(json.p, /"msg":"Upblit is listening"/);
      const entries = lines(json.p.output()).filter((l) => l.startsWith("{"));
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) expect(JSON.parse(entry)).toHaveProperty("level");
      expect(json.p.output()).not.toContain("[lifecycle]");
      json.interrupt();
      expect((await exitWithin(json.p)).code).toBe(0);
    },
    patientTest(5),
  );
});
