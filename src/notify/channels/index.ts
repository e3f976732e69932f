import { discordChannel } from "./discord.ts";
import { emailChannel } from "./email.ts";
import { googlechatChannel } from "./googlechat.ts";
import { gotifyChannel } from "./gotify.ts";
import { matrixChannel } from "./matrix.ts";
import { mattermostChannel } from "./mattermost.ts";
import { ntfyChannel } from "./ntfy.ts";
import { opsgenieChannel } from "./opsgenie.ts";
import { pagerDutyChannel } from "./pagerduty.ts";
import { pushoverChannel } from "./pushover.ts";
import { slackChannel } from "./slack.ts";
import { teamsChannel } from "./teams.ts";
import { telegramChannel } from "./telegram.ts";
import type { ChannelAdapter } from "./types.ts";
import { webhookChannel } from "./webhook.ts";

/**
 * Every channel kind Upblit can deliver to, by name. An adapter describes its settings (zod) and
 * sends one message; the API validates settings with these schemas, the dispatcher sends with them.
 */
// Each adapter is typed by its own settings; the registry only needs the common shape.
const ADAPTERS = [
  webhookChannel,
  emailChannel,
  slackChannel,
  discordChannel,
  teamsChannel,
  googlechatChannel,
  mattermostChannel,
  matrixChannel,
  telegramChannel,
  pagerDutyChannel,
  opsgenieChannel,
  ntfyChannel,
  gotifyChannel,
  pushoverChannel,
] as unknown as ChannelAdapter[];

export const CHANNEL_ADAPTERS: ReadonlyMap<string, ChannelAdapter> = new Map(
  ADAPTERS.map((a) => [a.kind, a]),
);
