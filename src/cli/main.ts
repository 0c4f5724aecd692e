/**
 * `lfl` — the command-line entry point (the command table and error reporting are in ./run-cli.ts).
 * `lfl … | head`: when the reader of stdout goes away (EPIPE) the run ends quietly with exit code 0.
 * An error that escapes everything (also from a callback or a timer) is still one coded line, no stack
 * trace unless LFL_DEBUG=1.
 */
import { describeFailure, runCli } from "./run-cli.ts";

const quietOnEpipe = (e: NodeJS.ErrnoException): void => {
  if (e.code === "EPIPE") process.exit(0);
  fatal(e);
};
process.stdout.on("error", quietOnEpipe);
// Writes to a pipe are synchronous on Linux, but the 'error' event waits for the event loop, which a long
// computation (awaited in microtasks) does not reach: stop at the write itself once the reader is gone.
const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
process.stdout.write = ((...args: unknown[]): boolean => {
  const ok = write(...args);
  if ((process.stdout.errored as NodeJS.ErrnoException | null)?.code === "EPIPE") process.exit(0);
  return ok;
}) as typeof process.stdout.write;
process.stderr.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
});

function fatal(e: unknown): void {
  const f = describeFailure(e);
  try {
    process.stderr.write(`${f.line}\n${f.stack ? `${f.stack}\n` : ""}`);
  } finally {
    process.exit(f.code);
  }
}
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

process.exitCode = await runCli(process.argv.slice(2));
