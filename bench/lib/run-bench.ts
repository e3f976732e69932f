import { runCleanup } from "./cleanup.ts";
import { writeDocsSection } from "./docs.ts";
import { progress } from "./progress.ts";

/**
 * Runs a bench's `main`, prints its report, writes it into docs/benchmarks.md between the
 * `bench:<name>` markers unless `write` is false, and always cleans up (processes, folders).
 */
export async function runBench(
  main: () => Promise<string>,
  docs: { name: string; title: string; write: boolean },
): Promise<void> {
  try {
    const text = await main();
    process.stdout.write(`\n${text}\n`);
    if (docs.write) {
      writeDocsSection(
        {
          begin: `<!-- bench:${docs.name}:begin (written by npm run bench:${docs.name}; edit outside these markers) -->`,
          end: `<!-- bench:${docs.name}:end -->`,
          intro: `${docs.title}\n`,
        },
        text,
      );
      progress("done", "wrote docs/benchmarks.md");
    }
  } catch (err) {
    process.stderr.write(`\nbench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await runCleanup();
  }
}
