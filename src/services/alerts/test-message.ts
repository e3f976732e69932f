import type { AlertMessage } from "../../domain/alert-message.ts";
import { channelLink } from "../../domain/deep-links.ts";
import { newId } from "../../lib/ids.ts";
import type { Ctx } from "../context.ts";

/** The message of a test-send: clearly a test, about no real monitor. */
export async function testMessage(ctx: Ctx, channel: { id: string; name: string }): Promise<AlertMessage> {
  const org = await ctx.db
    .selectFrom("organizations")
    .select(["id", "name"])
    .where("id", "=", ctx.organizationId)
    .executeTakeFirstOrThrow();
  const now = new Date(ctx.clock.now()).toISOString();
  return {
    notificationId: newId("ntf"),
    event: "test",
    drill: true,
    organization: { id: org.id, name: org.name },
    monitor: {
      id: "mon_test",
      name: `Test of channel ${channel.name}`,
      type: "http",
      target: "https://example.com/",
    },
    state: "down",
    previousState: "up",
    since: now,
    incident: null,
    cause: "This is a test message sent from Upblit; nothing is down.",
    runbookUrl: null,
    acknowledgeUrl: null,
    monitorUrl: channelLink(ctx.auth.publicUrl, channel.id),
  };
}
