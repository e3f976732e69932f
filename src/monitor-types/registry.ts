/**
 * Every monitor type Upblit knows, one line each. A type is one folder beside this file
 * (docs/development.md, "Adding a monitor type"); listing it here is all it takes to make the
 * API accept it, the OpenAPI document describe it, the probe role run it and the judge apply its
 * implied assertions.
 */
import { browser } from "./browser/index.ts";
import type { MonitorTypeDefinition } from "./define.ts";
import { dns } from "./dns/index.ts";
import { domain } from "./domain/index.ts";
import { grpc } from "./grpc/index.ts";
import { heartbeat } from "./heartbeat/index.ts";
import { http } from "./http/index.ts";
import { icmp } from "./icmp/index.ts";
import { json } from "./json/index.ts";
import { keyword } from "./keyword/index.ts";
import { mqtt } from "./mqtt/index.ts";
import { multistep } from "./multistep/index.ts";
import { mysql } from "./mysql/index.ts";
import { nats } from "./nats/index.ts";
import { postgres } from "./postgres/index.ts";
import { rabbitmq } from "./rabbitmq/index.ts";
import { redis } from "./redis/index.ts";
import { smtp } from "./smtp/index.ts";
import { tcp } from "./tcp/index.ts";
import { tls } from "./tls/index.ts";
import { udp } from "./udp/index.ts";
import { websocket } from "./websocket/index.ts";

// biome-ignore format: one line per type, so adding one is a one-line change.
export const MONITOR_TYPE_LIST: readonly MonitorTypeDefinition[] = [
  http,
  keyword,
  json,
  tcp,
  dns,
  tls,
  heartbeat,
  postgres,
  mysql,
  redis,
  rabbitmq,
  mqtt,
  nats,
  smtp,
  udp,
  websocket,
  grpc,
  domain,
  icmp,
  multistep,
  browser,
];
