import type { Logger } from "../lib/logger.ts";
import { WakeTimer } from "../lib/wake-timer.ts";
import type { Runtime } from "../services/context.ts";
import type { MailMessage } from "../services/mail/mailer.ts";
import { noticeMail } from "../services/status-subscriptions/mails.ts";
import {
  type ClaimedNotice,
  claimDueNotices,
  recordNoticeAttempt,
} from "../services/status-subscriptions/notices.ts";
import { unsubscribeToken } from "../services/status-subscriptions/tokens.ts";
import type { Outbound } from "./outbound.ts";
import { sendWebhookNotice } from "./subscription-webhooks.ts";

export interface NoticeSenderOptions {
  /** Notices claimed per round. */
  batch: number;
  leaseMs: number;
  pollMs: number;
  /** The SSRF-safe client webhooks go through, and the deadline of one POST. */
  outbound: Outbound;
  timeoutMs: number;
  log: Logger;
}

/**
 * The mail of one notice: text and HTML, plus RFC 2369/8058 headers so mail clients offer a
 * one-click unsubscribe that POSTs `List-Unsubscribe=One-Click` to the signed link.
 */
export function noticeMessage(
  rt: Runtime,
  notice: ClaimedNotice,
  to: { subscriberId: string; email: string },
): MailMessage {
  const base = rt.auth.publicUrl;
  const slug = encodeURIComponent(notice.content.pageSlug);
  const unsubscribe = `${base}/status/${slug}/unsubscribe?token=${unsubscribeToken(rt.keys.links, to.subscriberId)}`;
  const mail = noticeMail(notice.event, notice.content, { page: `${base}/status/${slug}`, unsubscribe });
  return {
    to: to.email,
    ...mail,
    headers: {
      "Auto-Submitted": "auto-generated",
      "List-Unsubscribe": `<${unsubscribe}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

/**
 * The notifier's loop for status page subscribers: claims due notices from their outbox, mails
 * each (or POSTs it to a webhook subscription) and records the attempt. A crash between send and record lets the claim lapse and the
 * notice goes again: at worst a duplicate mail, never a lost one.
 */
export class NoticeSender {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly timer = new WakeTimer();

  constructor(
    private readonly rt: Runtime,
    private readonly options: NoticeSenderOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Look at the outbox now. */
  wake(): void {
    this.timer.wake();
  }

  /** Stops after the round in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedNotice[] = [];
      try {
        claimed = await claimDueNotices(this.rt, this.options.batch, this.options.leaseMs);
        for (const notice of claimed) await this.deliver(notice);
      } catch (err) {
        this.options.log.warn({ err }, "could not process subscriber notices; retrying");
      }
      if (claimed.length < this.options.batch) await this.pause();
    }
  }

  private async deliver(notice: ClaimedNotice): Promise<void> {
    const failure = await this.attempt(notice);
    const result = await recordNoticeAttempt(this.rt, notice, failure?.error, failure?.final);
    const error = failure?.error;
    const fields = { noticeId: notice.id, attempt: notice.attempts, result };
    if (result === "sent") this.options.log.info(fields, "subscriber notice sent");
    else this.options.log.warn({ ...fields, error }, "subscriber notice not sent");
  }

  /** One send: undefined when it went out, else what failed and whether retrying can help. */
  private async attempt(notice: ClaimedNotice): Promise<{ error: string; final: boolean } | undefined> {
    const target = notice.target;
    if (target.kind === "webhook") {
      return sendWebhookNotice(this.rt, this.options.outbound, notice, this.options.timeoutMs);
    }
    try {
      await this.rt.mailer.send(noticeMessage(this.rt, notice, target));
      return undefined;
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err), final: false };
    }
  }

  private pause(): Promise<void> {
    return this.timer.sleep(this.options.pollMs);
  }
}
