/**
 * `lfl` — the command-line entry point. One thin file per subcommand (registered below, loaded lazily).
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input (the message names what and where).
 */
import { InputError, LflError } from "../core/errors.ts";
import type { Command } from "./command.ts";

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  // Add one line per subcommand, in pipeline order.
  demo: () => import("./demo.ts"),
  learn: () => import("./learn.ts"),
  infer: () => import("./infer.ts"),
  observe: () => import("./observe.ts"),
  export: () => import("./export.ts"),
  reproduce: () => import("./reproduce.ts"),
  bench: () => import("./bench.ts"),
  worker: () => import("./worker.ts"),
  dashboard: () => import("./dashboard.ts"),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const lines = ["usage: lfl <command> [options]   (lfl <command> --help for details)", "", "commands:"];
    for (const [n, load] of Object.entries(COMMANDS)) lines.push(`  ${n.padEnd(12)} ${(await load()).command.summary}`);
    console.log(lines.join("\n"));
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new InputError("E_USAGE", `unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(", ")})`);
  const { command } = await load();
  // `--help` anywhere shows the command's usage and does nothing else; commands with targets (reproduce, bench)
  // answer it themselves so that `lfl reproduce table3 --help` shows the target's options.
  if (rest.some((a) => a === "--help" || a === "-h") && !(name === "reproduce" || name === "bench") ) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof InputError) {
    console.error(`lfl: error ${e.code}: ${e.message}`);
    process.exitCode = 2;
  } else if (e instanceof LflError) {
    console.error(`lfl: error ${e.code}: ${e.message}`);
    process.exitCode = 1;
  } else {
    console.error(e);
    process.exitCode = 1;
  }
}
