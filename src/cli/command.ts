/**
 * The shape of one `lfl` subcommand, and the legacy argument parsing still used by some commands (new code
 * declares its options and uses options.ts's `parseOptions`). Every command has --help, --seed, --json.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../core/errors.ts";
import { convertOption } from "./options.ts";

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

/**
 * parseArgs with the common options added; unknown flags, missing values and a flag given twice become
 * InputError E_USAGE (Node's hint for a value starting with '-', "use '--steps=-XYZ'", is kept).
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  const usage = (msg: string): InputError => new InputError("E_USAGE", `${command}: ${msg} (see 'lfl ${command} --help')`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw usage((e as Error).message.split("\n").join(" ").replace(/\. To specify a positional.*$/, ""));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    if (seen.has(t.name)) throw usage(`--${t.name} given twice`);
    seen.add(t.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** The bound of a legacy integer flag without its own: seeds as everywhere (2^31 − 1), any size or count 10^9 (a runaway value is refused at once). */
export const SEED_MAX = 2 ** 31 - 1;
export const COUNT_MAX = 1_000_000_000;

/** Parses an integer flag strictly (decimal digits, safe integer, ≥ min, ≤ max; empty is an error), or throws E_USAGE. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 0, max = name === "seed" ? SEED_MAX : COUNT_MAX): number {
  if (value === undefined) return fallback;
  return convertOption("", { name, kind: "int", description: "", min, max }, value) as number;
}

/** Parses a finite number flag strictly (no blanks, no hex), in [min, max] when given, or throws E_USAGE naming the flag. */
export function numberFlag(name: string, value: string | undefined, fallback: number, min?: number, max?: number): number {
  if (value === undefined) return fallback;
  return convertOption("", { name, kind: "number", description: "", ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }, value) as number;
}

/**
 * The range of an entropy weight α given on the command line (as `reproduce table1 --alpha`): below about 1e-12
 * soft policies underflow to 0 and soft returns come out wrong, above 1e6 the entropy term swamps every reward.
 */
export const ALPHA_MIN = 1e-6;
export const ALPHA_MAX = 1e6;
