import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type PasswordIo, passwordSource } from "./password-input.ts";
import { CliError } from "./run.ts";

/** A terminal stand-in: what the person types goes in; raw-mode switches and prompts are recorded in order. */
function fakeTerminal() {
  const events: string[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.rawModes.push(mode);
      events.push(`raw ${mode}`);
      return input;
    },
  });
  let shown = "";
  const prompt = new PassThrough();
  const write = prompt.write.bind(prompt);
  prompt.write = ((chunk: string) => {
    events.push(`show ${JSON.stringify(chunk)}`);
    shown += chunk;
    return write(chunk);
  }) as typeof prompt.write;
  const io: PasswordIo = { stdin: input, prompt };
  return { io, input, shown: () => shown, events };
}

/** Types `keys` in pieces, the way a terminal in raw mode delivers them. */
async function type(input: PassThrough, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    await new Promise((r) => setImmediate(r));
    input.write(k);
  }
}

function pipedStdin(text: string | Buffer): PasswordIo {
  const stdin = Object.assign(Readable.from([Buffer.from(text)]), {
    isTTY: false,
    setRawMode: () => undefined,
  });
  return { stdin, prompt: new PassThrough() };
}

describe("passwordSource on a terminal", () => {
  it("asks twice without echo, honours backspace, and leaves raw mode", async () => {
    const t = fakeTerminal();
    const read = passwordSource(false, "ada@example.com", t.io)();
    await type(t.input, "correct horsx", "\u007f", "e battery\r");
    await type(t.input, "correct horse battery", "\n");
    expect(await read).toBe("correct horse battery");
    expect(t.shown()).toBe("New password for ada@example.com: \nRepeat it: \n");
    expect(t.shown()).not.toContain("horse");
    // Echo is off before each question shows, so typing right away is never echoed.
    expect(t.events).toEqual([
      "raw true",
      'show "New password for ada@example.com: "',
      "raw false",
      'show "\\n"',
      "raw true",
      'show "Repeat it: "',
      "raw false",
      'show "\\n"',
    ]);
  });

  it("refuses (exit 1) when the two entries differ", async () => {
    const t = fakeTerminal();
    const read = passwordSource(false, "ada@example.com", t.io)();
    await type(t.input, "correct horse battery\r", "correct horse batterz\r");
    await expect(read).rejects.toEqual(new CliError(1, "the two passwords differ; nothing was changed"));
  });

  it.each([["\u0003"], ["\u0004"]])(
    "cancels on %j without reading further, leaving raw mode",
    async (key) => {
      const t = fakeTerminal();
      const read = passwordSource(false, "ada@example.com", t.io)();
      await type(t.input, key);
      await expect(read).rejects.toMatchObject({ exitCode: 1, message: "cancelled; nothing was changed" });
      expect(t.input.rawModes).toEqual([true, false]);
    },
  );

  it("without a terminal and without --password-stdin, refuses at once with exit 2", () => {
    const io = pipedStdin("");
    expect(() => passwordSource(false, "ada@example.com", io)).toThrow(/--password-stdin/);
    expect(() => passwordSource(false, "ada@example.com", io)).toThrow(
      expect.objectContaining({ exitCode: 2 }),
    );
  });
});

describe("passwordSource with --password-stdin", () => {
  it.each([
    ["correct horse battery\n", "correct horse battery"],
    ["correct horse battery\r\n", "correct horse battery"],
    ["correct horse battery", "correct horse battery"],
    ["  spaces kept inside and out  \n", "  spaces kept inside and out  "],
    ["two newlines keep one\n\n", "two newlines keep one\n"],
  ])("reads %j as %j", async (piped, expected) => {
    expect(await passwordSource(true, "x", pipedStdin(piped))()).toBe(expected);
  });

  it("refuses an empty stdin and one far larger than any password (exit 2)", async () => {
    await expect(passwordSource(true, "x", pipedStdin("\n"))()).rejects.toMatchObject({ exitCode: 2 });
    await expect(passwordSource(true, "x", pipedStdin("x".repeat(5_000)))()).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("more than 4096 bytes"),
    });
  });
});
