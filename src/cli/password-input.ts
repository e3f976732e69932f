import type { EventEmitter } from "node:events";
import { CliError } from "./run.ts";

/** More than any password the policy accepts; a bigger stdin is a mistake (a file, not a password). */
const STDIN_MAX_BYTES = 4_096;

/** What a hidden prompt needs from a terminal: process.stdin when it is a TTY. */
export interface TtyInput extends EventEmitter {
  isTTY?: boolean;
  setRawMode(mode: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface PasswordIo {
  stdin: TtyInput & AsyncIterable<string | Buffer>;
  /** Where prompts go: stderr, so stdout carries only the command's result. */
  prompt: NodeJS.WritableStream;
}

const PROCESS_IO: PasswordIo = { stdin: process.stdin, prompt: process.stderr };

/**
 * Where the new password of an account will come from: the whole of stdin (one trailing newline
 * dropped) with `--password-stdin`, otherwise typed twice on the terminal without echo. Without
 * either there is no safe way to get it (a flag would land in the shell history), so this refuses
 * at once, before the command opens the database; the returned function reads the password.
 */
export function passwordSource(
  fromStdin: boolean,
  label: string,
  io: PasswordIo = PROCESS_IO,
): () => Promise<string> {
  if (fromStdin) return () => readPasswordFromStdin(io.stdin);
  if (!io.stdin.isTTY) {
    throw new CliError(
      2,
      "no terminal to ask for the password: pipe it in with --password-stdin, e.g. `printf '%s\\n' \"$PASSWORD\" | upblit user create … --password-stdin`",
    );
  }
  return async () => {
    const first = await promptHidden(`New password for ${label}: `, io.stdin, io.prompt);
    const second = await promptHidden("Repeat it: ", io.stdin, io.prompt);
    if (first !== second) throw new CliError(1, "the two passwords differ; nothing was changed");
    return first;
  };
}

async function readPasswordFromStdin(stdin: AsyncIterable<string | Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > STDIN_MAX_BYTES) {
      throw new CliError(2, `stdin holds more than ${STDIN_MAX_BYTES} bytes; pipe in only the password`);
    }
    chunks.push(buf);
  }
  const password = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (password === "") throw new CliError(2, "--password-stdin was given but stdin was empty");
  return password;
}

/**
 * Reads one line from a terminal in raw mode, echoing nothing. Backspace deletes, Enter ends,
 * Ctrl-C (or Ctrl-D on an empty line) cancels.
 */
export function promptHidden(
  question: string,
  input: TtyInput,
  output: NodeJS.WritableStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const finish = (cancelled: boolean) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
      if (cancelled) reject(new CliError(1, "cancelled; nothing was changed"));
      else resolve(typed.join(""));
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return finish(false);
        if (ch === "\u0003" || (ch === "\u0004" && typed.length === 0)) return finish(true);
        if (ch === "\u0004") return finish(false);
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch >= " ") typed.push(ch);
      }
    };
    // Raw mode (no echo) before the question: someone typing as soon as it shows is not echoed.
    input.setEncoding("utf8");
    input.setRawMode(true);
    output.write(question);
    input.on("data", onData);
    input.resume();
  });
}
