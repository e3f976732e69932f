/**
 * nginx as the reverse proxy in front of several API processes (docs/operations.md, zero-downtime
 * rollout): started by the test with a generated configuration in a temporary folder (`-p`
 * prefix, `daemon off`, its pid and logs there), never the system's configuration. Debian's
 * `nginx-light` (or `nginx`) package; .ci/run installs it when missing.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, GiveUp, waitFor } from "./helpers.ts";

export interface Nginx {
  origin: string;
  /** nginx's access log: one line per request, with the upstreams it tried and their statuses. */
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

function nginxBinary(): string {
  for (const candidate of ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("nginx is not installed (apt-get install -y nginx-light; .ci/run installs it)");
}

/**
 * Starts nginx on a free port of 127.0.0.1 proxying to `upstreamPorts` on 127.0.0.1, retrying a
 * request on the next process when one refuses it, resets it or answers 502/503 (a stopping
 * process), as docs/operations.md tells. `max_fails=0`: a process is never marked down, so one
 * restarted just before another stops is tried at once (with the default marking, both could be
 * marked down for `fail_timeout` and nginx answered 502 itself). Resolves once it answers.
 */
export async function startNginx(dir: string, upstreamPorts: number[]): Promise<Nginx> {
  const bin = nginxBinary();
  const prefix = path.join(dir, "nginx");
  for (const sub of ["", "temp"]) mkdirSync(path.join(prefix, sub), { recursive: true });
  const port = await freePort();
  const log = (name: string) => path.join(prefix, name);
  // As root nginx would run its worker as `nobody`, which may not write into our temporary folder.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  const conf = `${user}daemon off;
master_process on;
worker_processes 1;
pid ${log("nginx.pid")};
error_log ${log("error.log")} warn;
events { worker_connections 1024; }
http {
  log_format upstreams '$status $request_method $request_uri upstream=$upstream_addr statuses=$upstream_status';
  access_log ${log("access.log")} upstreams;
  client_body_temp_path ${prefix}/temp/body;
  proxy_temp_path ${prefix}/temp/proxy;
  fastcgi_temp_path ${prefix}/temp/fastcgi;
  uwsgi_temp_path ${prefix}/temp/uwsgi;
  scgi_temp_path ${prefix}/temp/scgi;
  upstream upblit {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join("\n")}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://upblit;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_timeout 30s;
      proxy_read_timeout 120s;
      proxy_buffering off;
    }
  }
}
`;
  const confFile = path.join(prefix, "nginx.conf");
  writeFileSync(confFile, conf);
  const args = ["-p", prefix, "-c", confFile, "-e", log("error.log")];
  execFileSync(bin, [...args, "-t", "-q"], { stdio: "pipe" });
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const read = (name: string) => (existsSync(log(name)) ? readFileSync(log(name), "utf8") : "");
  await waitFor("nginx to answer", async () => {
    if (child.exitCode !== null) throw new GiveUp(`nginx exited:\n${output}\n${read("error.log")}`);
    // Any answer from the upstreams (even 404) says nginx listens and proxies.
    const res = await fetch(`${origin}/healthz`);
    return res.status === 200;
  });
  return {
    origin,
    accessLog: () => read("access.log"),
    errorLog: () => read("error.log"),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM: a fast shutdown, the master stops its worker (SIGKILL would leave it behind).
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
