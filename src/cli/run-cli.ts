/**
 * The `lfl` command table and the one place errors become exit codes and messages (src/cli/main.ts runs it).
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input. Every failure is ONE line on stderr,
 * `lfl: error CODE: message`, with control characters escaped; a bug (an error that is not ours) prints
 * `E_INTERNAL` and its message without a stack trace unless LFL_DEBUG=1.
 */
import { InputError, LflError } from "../core/errors.ts";
import { fsReason } from "../core/input-limits.ts";
import { printable } from "../core/printable.ts";
import type { Command } from "./command.ts";

export const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  // Add one line per subcommand, in pipeline order.
  demo: () => import("./demo.ts"),
  learn: () => import("./learn.ts"),
  infer: () => import("./infer.ts"),
  observe: () => import("./observe.ts"),
  export: () => import("./export.ts"),
  reproduce: () => import("./reproduce.ts"),
  evaluate: () => import("./evaluate.ts"),
  bench: () => import("./bench.ts"),
  worker: () => import("./worker.ts"),
  dashboard: () => import("./dashboard.ts"),
};

/** Commands with targets answer `--help` themselves (so `lfl reproduce table3 --help` shows the target's options). */
const OWN_HELP = new Set(["reproduce", "bench"]);

async function dispatch(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const lines = ["usage: lfl <command> [options]   (lfl <command> --help for details)", "", "commands:"];
    for (const [n, load] of Object.entries(COMMANDS)) lines.push(`  ${n.padEnd(12)} ${(await load()).command.summary}`);
    console.log(lines.join("\n"));
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new InputError("E_USAGE", `unknown command '${printable(name, 80)}' (commands: ${Object.keys(COMMANDS).join(", ")})`);
  const { command } = await load();
  // `--help` anywhere shows the command's usage and does nothing else.
  if (rest.some((a) => a === "--help" || a === "-h") && !OWN_HELP.has(name)) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest);
}

/** The one-line message and exit code for any thrown value. */
export function describeFailure(e: unknown, debug = process.env.LFL_DEBUG === "1"): { line: string; code: number; stack?: string } {
  const one = (s: string): string => printable(s.replace(/\s*\n\s*/g, " "), 2000);
  if (e instanceof InputError) return { line: `lfl: error ${e.code}: ${one(e.message)}`, code: 2 };
  if (e instanceof LflError) return { line: `lfl: error ${e.code}: ${one(e.message)}`, code: 1 };
  const err = e as (Error & NodeJS.ErrnoException) | undefined;
  const stack = debug && err?.stack ? err.stack : undefined;
  if (err && typeof err.code === "string" && typeof err.syscall === "string") {
    // An OS error that escaped a command's own checks: still one line, naming the path.
    return { line: `lfl: error E_FILE: ${err.path ? `${printable(err.path)}: ` : ""}${fsReason(err)}`, code: 2, ...(stack ? { stack } : {}) };
  }
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(e);
  return { line: `lfl: error E_INTERNAL: ${one(msg)}${debug ? "" : " (a bug; LFL_DEBUG=1 shows the stack)"}`, code: 1, ...(stack ? { stack } : {}) };
}

/** Runs one `lfl` invocation; returns its exit code (failures are printed on stderr as one line). */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    const f = describeFailure(e);
    console.error(f.line);
    if (f.stack) console.error(f.stack);
    return f.code;
  }
}
