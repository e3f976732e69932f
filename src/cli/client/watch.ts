import type { Upblit } from "#sdk";

/**
 * `--watch`: prints the list, then again after every live event (at most twice a second) and
 * every 10 s (creations and deletions send no event), until Ctrl-C. On a terminal each frame
 * replaces the last; otherwise frames follow each other, separated by a blank line. A failed
 * refresh ends the watch with its error.
 */
export async function watch(client: Upblit, draw: () => Promise<string>): Promise<void> {
  const stop = new AbortController();
  process.once("SIGINT", () => process.exit(0));
  const tty = process.stdout.isTTY === true;
  let timer: NodeJS.Timeout | undefined;
  let failed: (err: unknown) => void = () => {};
  const failure = new Promise<never>((_resolve, reject) => {
    failed = reject;
  });
  const frame = async () => {
    timer = undefined;
    const text = await draw();
    process.stdout.write(tty ? `\x1b[2J\x1b[H${text}` : `${text}\n`);
  };
  const soon = () => {
    timer ??= setTimeout(() => frame().catch(failed), 500);
  };
  await frame();
  const every = setInterval(soon, 10_000);
  const follow = async () => {
    for await (const _event of client.events({ signal: stop.signal })) soon();
  };
  try {
    await Promise.race([follow(), failure]);
  } finally {
    stop.abort();
    clearInterval(every);
    clearTimeout(timer);
  }
}
