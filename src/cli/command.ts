/** The shape of one `lfl` subcommand, and the shared argument parsing (every command has --help, --seed, --json). */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../core/errors.ts";

export interface Command {
  /** e.g. "reproduce". */
  name: string;
  /** One line for `lfl --help`. */
  summary: string;
  /** Full usage text for `lfl <name> --help`. */
  usage: string;
  /** Runs the command; returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  seed: { type: "string" },
  json: { type: "string" },
} as const satisfies Options;

/** parseArgs with the common options added; unknown flags and missing values become InputError E_USAGE. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new InputError("E_USAGE", `${command}: ${(e as Error).message.split("\n")[0]} (see 'lfl ${command} --help')`);
  }
}

/** Parses an integer flag, or throws E_USAGE naming the flag. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InputError("E_USAGE", `--${name} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

/** Parses a number flag, or throws E_USAGE naming the flag. */
export function numberFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InputError("E_USAGE", `--${name} must be a number, got '${value}'`);
  return n;
}
