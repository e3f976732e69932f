import type { AlertMessage } from "../../domain/alert-message.ts";

/** A claimed notification with what its adapter needs. */
export interface ClaimedDelivery {
  id: string;
  organizationId: string;
  channelId: string;
  kind: string;
  config: Record<string, unknown>;
  /** The channel's secrets as stored (encrypted); opened just before sending. */
  sealedSecrets: string;
  /** The channel's custom template as stored (parsed just before sending), or null. */
  template: { title?: string; text?: string } | null;
  message: AlertMessage;
  attempts: number;
  giveUpAt: Date;
  /** The claim's lease end, which also identifies the claim: recording needs it to still hold. */
  leaseUntil: Date;
}

/**
 * This process's notifier, as the evaluator sees it (main.ts sets `Runtime.handover` when the
 * process runs the notifier role). The outbox rows a batch of state changes writes are claimed
 * for it in that same transaction, up to `room()`, and handed over once it commits: the notifier
 * sends them without a claim reading them back (on the embedded database, the one connection the
 * evaluator holds most of a storm). They hold an ordinary lease: a notifier that stops or dies
 * before sending them leaves them to lapse, and they are claimed and sent again, same id.
 */
export interface DeliveryHandover {
  /** How long a claim holds (NOTIFY_LEASE_SECONDS). */
  readonly leaseMs: number;
  /** How many fresh deliveries it takes now. */
  room(): number;
  /** The deliveries claimed for it, once the transaction that wrote them committed. */
  take(claimed: ClaimedDelivery[]): void;
}
