import { decryptSecret } from "../lib/keys.ts";
import type { ChannelSend, SendToChannel, SendTransports } from "../services/alerts/channel-send.ts";
import type { Runtime } from "../services/context.ts";
import type { ChannelAdapter, SendContext, SendOutcome } from "./channels/types.ts";
import type { Outbound } from "./outbound.ts";
import { type MessageTemplate, parseMessageTemplate, type TemplateSource } from "./template.ts";

/** The adapters, the outbound client and the deadline every send of this process uses. */
export interface SendOptions {
  adapters: ReadonlyMap<string, ChannelAdapter>;
  outbound: Outbound;
  timeoutMs: number;
}

/**
 * The one way a message reaches a channel (the dispatcher's deliveries, test-sends, previews):
 * sendOne bound to this process's adapters and client, as services and routes receive it.
 */
export function channelSender(options: SendOptions): SendToChannel {
  return (rt, delivery, transports?: SendTransports) =>
    sendOne(
      rt,
      {
        ...options,
        outbound: transports?.outbound ?? options.outbound,
        ...(transports?.sendMail ? { sendMail: transports.sendMail } : {}),
      },
      delivery,
    );
}

/**
 * One attempt through the adapter, with the channel's template (checked when it was saved); an
 * adapter that throws counts as a retryable failure. `sendMail` replaces the SMTP relay (previews).
 */
export async function sendOne(
  rt: Runtime,
  options: SendOptions & { sendMail?: SendContext<unknown, unknown>["sendMail"] },
  d: ChannelSend,
): Promise<SendOutcome> {
  const adapter = options.adapters.get(d.kind);
  if (!adapter) return { ok: false, retryable: false, error: `unknown channel kind ${d.kind}` };
  let stored: unknown;
  try {
    stored =
      typeof d.secrets === "string" ? JSON.parse(decryptSecret(rt.keys.encryption, d.secrets)) : d.secrets;
  } catch {
    return {
      ok: false,
      retryable: false,
      error: "cannot read the channel's secrets: is SECRET_KEY the same in every process?",
    };
  }
  const config = adapter.config.safeParse(d.config);
  const secrets = adapter.secrets.safeParse(stored);
  if (!config.success || !secrets.success) {
    return {
      ok: false,
      retryable: false,
      error: "the channel's settings are no longer valid; edit the channel",
    };
  }
  const template = d.template ? readTemplate(d.template) : undefined;
  if (template === null) {
    return {
      ok: false,
      retryable: false,
      error: "the channel's template is no longer valid; edit the channel",
    };
  }
  const ctx: SendContext<unknown, unknown> = {
    config: config.data,
    secrets: secrets.data,
    http: options.outbound,
    sendMail: options.sendMail ?? ((message) => rt.mailer.send(message)),
    timeoutMs: options.timeoutMs,
    ...(template ? { template } : {}),
  };
  try {
    return await adapter.send(d.message, ctx);
  } catch (err) {
    return { ok: false, retryable: true, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Channel secrets opened once per sealed value: a storm sends thousands of deliveries through the
 * same few channels, and opening them each time (AES-GCM, then JSON) was 2.5 % of the notifier's
 * time. Changed secrets are sealed anew, so their new value is a new key. Holds at most `max`.
 */
export class OpenedSecrets {
  private readonly opened = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly key: Buffer,
    private readonly max = 100,
  ) {}

  /** The secrets opened, or the sealed value itself when it does not open (sendOne says why). */
  open(sealed: string): Record<string, unknown> | string {
    const known = this.opened.get(sealed);
    if (known) return known;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(decryptSecret(this.key, sealed)) as Record<string, unknown>;
    } catch {
      return sealed;
    }
    if (this.opened.size >= this.max) this.opened.delete(this.opened.keys().next().value as string);
    this.opened.set(sealed, value);
    return value;
  }
}

/** A stored template parsed, or null when it no longer parses (it was checked when saved). */
function readTemplate(source: TemplateSource): MessageTemplate | null {
  try {
    return parseMessageTemplate(source);
  } catch {
    return null;
  }
}
