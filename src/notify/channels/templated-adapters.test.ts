import { describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { useReceiver } from "../../test/chat-channels.ts";
import { parseMessageTemplate } from "../template.ts";
import { CHANNEL_ADAPTERS } from "./index.ts";

/**
 * Every HTTP adapter with a custom template, to a local receiver: the title and text land where
 * the default wording would, the owner's text kept, the value escaped for the dialect, the drill
 * marked. (Email is covered end to end in src/api/routes/channels/templates.api.test.ts.)
 */
const NAME = "<i>@all</i>";
const NOTICE = "This is a DRILL: a simulated alert, nothing is actually down.";
const Z = "\u200b";
const TEMPLATE = parseMessageTemplate({ title: "T {{monitor}}", text: "*X* {{monitor}} Y" });
const message = sampleMessage({ drill: true, monitor: { ...sampleMessage().monitor, name: NAME } });

const plain = { title: `[DRILL] T ${NAME}`, text: `*X* ${NAME} Y\n\n${NOTICE}` };
const MARKDOWN_NOTICE = "This is a DRILL\\: a simulated alert\\, nothing is actually down\\.";
const chatMarkdown = {
  title: `\\[DRILL\\] T \\<i\\>\\@${Z}all\\<\\/i\\>`,
  text: `*X* \\<i\\>\\@${Z}all\\<\\/i\\> Y\n\n${MARKDOWN_NOTICE}`,
};
const htmlChat = `*X* &lt;i&gt;@${Z}all&lt;/i&gt; Y`;

// biome-ignore lint/suspicious/noExplicitAny: the cases read deep paths of fourteen payload shapes.
type Json = Record<string, any>;
interface Case {
  kind: string;
  settings: (origin: string) => { config: unknown; secrets: unknown };
  /** [what was rendered, what it must be] pairs read from the request body. */
  expect: (body: Json) => Array<[unknown, unknown]>;
}

const CASES: Case[] = [
  {
    kind: "slack",
    settings: (o) => ({ config: {}, secrets: { webhookUrl: `${o}/slack` } }),
    expect: (b) => [
      [b.blocks[0].text.text, plain.title],
      [b.blocks[1].text, { type: "mrkdwn", text: `*X* &lt;i&gt;@${Z}all&lt;/i&gt; Y\n\n${NOTICE}` }],
      [b.blocks.length, 2],
    ],
  },
  {
    kind: "discord",
    settings: (o) => ({ config: {}, secrets: { webhookUrl: `${o}/discord` } }),
    expect: (b) => [
      [b.content, chatMarkdown.title],
      [b.embeds[0].title, chatMarkdown.title],
      [b.embeds[0].description, chatMarkdown.text],
      [b.allowed_mentions, { parse: [] }],
    ],
  },
  {
    kind: "mattermost",
    settings: (o) => ({ config: {}, secrets: { webhookUrl: `${o}/hooks/x` } }),
    expect: (b) => [[b.text, `#### ${chatMarkdown.title}\n\n${chatMarkdown.text}`]],
  },
  {
    kind: "teams",
    settings: (o) => ({ config: {}, secrets: { webhookUrl: `${o}/teams` } }),
    expect: (b) => {
      const card = b.attachments[0].content;
      return [
        [card.body.map((p: Json) => p.inlines[0].text), [plain.title, `*X* ${NAME} Y`, NOTICE]],
        [card.actions.length > 0, true],
      ];
    },
  },
  {
    kind: "googlechat",
    settings: (o) => ({ config: {}, secrets: { webhookUrl: `${o}/v1/spaces/S/messages?key=k&token=t` } }),
    expect: (b) => {
      const card = b.cardsV2[0].card;
      return [
        [card.header.title, plain.title],
        [card.sections[0].widgets[0].textParagraph.text, `${htmlChat}<br><br>${NOTICE}`],
        [b.fallbackText, `[DRILL] T <i>@${Z}all</i>`],
      ];
    },
  },
  {
    kind: "matrix",
    settings: (o) => ({
      config: { homeserverUrl: o, roomId: "!room:example.org" },
      secrets: { accessToken: "tok" },
    }),
    expect: (b) => [
      [b.body, `[DRILL] T <i>@${Z}all</i>\n*X* <i>@${Z}all</i> Y\n\n${NOTICE}`],
      [
        b.formatted_body,
        `<p><strong>[DRILL] T &lt;i&gt;@${Z}all&lt;/i&gt;</strong></p><p>${htmlChat}<br><br>${NOTICE}</p>`,
      ],
      [b["m.mentions"], {}],
    ],
  },
  {
    kind: "telegram",
    settings: (o) => ({ config: { chatId: "42", apiUrl: o }, secrets: { botToken: `1:${"A".repeat(30)}` } }),
    expect: (b) => [[b.text, `<b>[DRILL] T &lt;i&gt;@${Z}all&lt;/i&gt;</b>\n\n${htmlChat}\n\n${NOTICE}`]],
  },
  {
    kind: "pagerduty",
    settings: (o) => ({ config: { apiUrl: o }, secrets: { routingKey: "R".repeat(32) } }),
    expect: (b) => [
      [b.payload.summary, plain.title],
      [b.payload.custom_details.message, plain.text],
      [b.dedup_key, `drill-${message.incident!.id}`],
    ],
  },
  {
    kind: "opsgenie",
    settings: (o) => ({ config: { apiUrl: o }, secrets: { apiKey: "genie-key-1" } }),
    expect: (b) => [
      [b.message, plain.title],
      [b.description, plain.text],
    ],
  },
  {
    kind: "ntfy",
    settings: (o) => ({ config: { serverUrl: o, topic: "t" }, secrets: {} }),
    expect: (b) => [
      [b.title, plain.title],
      [b.message, plain.text],
      [b.tags, ["rotating_light", "drill"]],
    ],
  },
  {
    kind: "gotify",
    settings: (o) => ({ config: { serverUrl: o }, secrets: { appToken: "app" } }),
    expect: (b) => [
      [b.title, plain.title],
      [b.message, `*X* \\<i\\>\\@all\\<\\/i\\> Y\n\n${MARKDOWN_NOTICE}`],
    ],
  },
  {
    kind: "pushover",
    settings: (o) => ({
      config: { apiUrl: o },
      secrets: { appToken: "a".repeat(30), userKey: "u".repeat(30) },
    }),
    expect: (b) => [
      [b.title, plain.title],
      [b.message, `*X* &lt;i&gt;@all&lt;/i&gt; Y\n\n${NOTICE}`],
      [b.html, 1],
    ],
  },
  {
    kind: "webhook",
    settings: (o) => ({
      config: { url: `${o}/hook` },
      secrets: { signingSecret: `whsec_${Buffer.alloc(32, 7).toString("base64")}` },
    }),
    expect: (b) => [
      [b.data.title, plain.title],
      [b.data.text, plain.text],
      [b.data.monitor.name, NAME],
    ],
  },
];

describe("adapters with a custom template", () => {
  const receiver = useReceiver();

  it("covers every HTTP channel kind", () => {
    expect(CASES.map((c) => c.kind).sort()).toEqual(
      [...CHANNEL_ADAPTERS.keys()].filter((k) => k !== "email").sort(),
    );
  });

  for (const c of CASES) {
    it(`${c.kind}: the title and text where the default wording goes, values escaped, drill marked`, async () => {
      const adapter = CHANNEL_ADAPTERS.get(c.kind)!;
      const { config, secrets } = c.settings(receiver().origin);
      const ctx = testContext(adapter.config.parse(config), adapter.secrets.parse(secrets));
      await adapter.send(message, { ...ctx, template: TEMPLATE });
      const [request] = await receiver().waitFor(1);
      for (const [actual, expected] of c.expect(request!.json as Json)) expect(actual).toEqual(expected);
    });
  }

  it("webhook: no title or text without a template", async () => {
    const c = CASES.find((x) => x.kind === "webhook")!;
    const adapter = CHANNEL_ADAPTERS.get("webhook")!;
    const { config, secrets } = c.settings(receiver().origin);
    await adapter.send(message, testContext(adapter.config.parse(config), adapter.secrets.parse(secrets)));
    const [request] = await receiver().waitFor(1);
    const data = (request!.json as Json).data;
    expect(data).not.toHaveProperty("title");
    expect(data).not.toHaveProperty("text");
  });
});
