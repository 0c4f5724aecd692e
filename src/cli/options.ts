/**
 * Command-line options from ONE declared table (src/core/option-spec.ts): parsing, validation and help are all
 * generated from it. Strict: decimal integers only where an integer is meant (no `0x10`, `1e3`, `' 256'`), an
 * empty or blank value is an error, every number is bounded, seeds are safe integers, lists take ranges
 * (`10-20`), an unknown or repeated flag is an error, and `--help` anywhere prints help and does nothing else.
 * Every failure is one line, code E_USAGE, naming the flag.
 */
import { parseArgs } from "node:util";
import { InputError } from "../core/errors.ts";
import type { OptionSpec } from "../core/option-spec.ts";

export type { OptionSpec };

/** The longest list `int-list` expands to (a runaway range is refused, not allocated). */
export const MAX_LIST = 10_000;

export interface ParsedOptions {
  values: Record<string, unknown>;
  positionals: string[];
  /** `--help`/`-h` was given somewhere: print help, do nothing else. */
  help: boolean;
}

const usage = (command: string, msg: string): InputError =>
  new InputError("E_USAGE", command === "" ? `${msg} (see --help)` : `${command}: ${msg} (see 'lfl ${command} --help')`);
const shown = (v: string): string => JSON.stringify(v).slice(1, -1).slice(0, 80);

function parseInt10(command: string, flag: string, v: string, spec: OptionSpec): number {
  if (!/^-?\d+$/.test(v)) throw usage(command, `--${flag} must be a decimal integer, got '${shown(v)}'`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw usage(command, `--${flag} ${shown(v)} is out of the safe integer range`);
  return bounded(command, flag, n, spec);
}

function bounded(command: string, flag: string, n: number, spec: OptionSpec): number {
  const min = spec.min ?? (spec.kind === "int" || spec.kind === "int-list" ? 0 : -Number.MAX_VALUE);
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  if (n < min || n > max) throw usage(command, `--${flag} must be in [${min}, ${max}], got ${n}`);
  return n;
}

/** Converts one flag's text to its declared kind. */
export function convertOption(command: string, spec: OptionSpec, raw: string): unknown {
  const flag = spec.name;
  if (raw.trim() === "") throw usage(command, `--${flag} needs a value, got an empty one`);
  switch (spec.kind) {
    case "int":
      return parseInt10(command, flag, raw, spec);
    case "number": {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) throw usage(command, `--${flag} must be a number, got '${shown(raw)}'`);
      const n = Number(raw);
      if (!Number.isFinite(n)) throw usage(command, `--${flag} must be finite, got '${shown(raw)}'`);
      return bounded(command, flag, n, spec);
    }
    case "enum":
      if (!spec.choices!.includes(raw)) throw usage(command, `--${flag} must be one of ${spec.choices!.join(", ")}, got '${shown(raw)}'`);
      return raw;
    case "string":
      return raw;
    case "list": {
      const xs = raw.split(",").map((s) => s.trim());
      if (xs.some((x) => x === "")) throw usage(command, `--${flag} has an empty item in '${shown(raw)}'`);
      return xs;
    }
    case "int-list": {
      const out: number[] = [];
      for (const item of raw.split(",").map((s) => s.trim())) {
        if (item === "") throw usage(command, `--${flag} has an empty item in '${shown(raw)}'`);
        const m = /^(\d+)-(\d+)$/.exec(item);
        if (m) {
          const a = parseInt10(command, flag, m[1]!, spec), b = parseInt10(command, flag, m[2]!, spec);
          if (b < a) throw usage(command, `--${flag} range '${item}' runs backwards`);
          if (out.length + (b - a + 1) > MAX_LIST) throw usage(command, `--${flag} expands to more than ${MAX_LIST} values`);
          for (let k = a; k <= b; k++) out.push(k);
        } else out.push(parseInt10(command, flag, item, spec));
        if (out.length > MAX_LIST) throw usage(command, `--${flag} has more than ${MAX_LIST} values`);
      }
      if (new Set(out).size !== out.length) throw usage(command, `--${flag} lists a value twice in '${shown(raw)}'`);
      return out;
    }
    case "boolean":
      return true;
  }
}

/** Parses `argv` against the declared options. `maxPositionals` extra words are allowed (default 0). */
export function parseOptions(command: string, specs: readonly OptionSpec[], argv: readonly string[], maxPositionals = 0): ParsedOptions {
  if (argv.some((a) => a === "--help" || a === "-h")) return { values: {}, positionals: [], help: true };
  const config = Object.fromEntries(specs.map((s) => [s.name, { type: s.kind === "boolean" ? ("boolean" as const) : ("string" as const), ...(s.short ? { short: s.short } : {}) }]));
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof config; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw usage(command, (e as Error).message.split("\n").join(" ").replace(/\. To specify a positional.*$/, ""));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== "option") continue;
    if (seen.has(t.name)) throw usage(command, `--${t.name} given twice`);
    seen.add(t.name);
  }
  if (parsed.positionals.length > maxPositionals) throw usage(command, `unexpected argument '${shown(parsed.positionals[maxPositionals]!)}'`);
  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    const raw = (parsed.values as Record<string, string | boolean | undefined>)[spec.name];
    if (raw === undefined) continue;
    values[spec.name] = typeof raw === "boolean" ? raw : convertOption(command, spec, raw);
  }
  return { values, positionals: parsed.positionals, help: false };
}

/** Refuses flags that do not apply to the chosen branch ("--alpha applies to tabular histories only"). */
export function refuseFlags(command: string, values: Record<string, unknown>, names: readonly string[], why: string): void {
  const given = names.filter((n) => values[n] !== undefined);
  if (given.length > 0) throw usage(command, `${given.map((n) => `--${n}`).join(", ")} ${given.length === 1 ? "does" : "do"} not apply ${why}`);
}

/** Help text: usage line, description, then each section's options with their argument, meaning, default and bounds. */
export function helpText(usageLine: string, description: string, sections: ReadonlyArray<{ title: string; options: readonly OptionSpec[] }>): string {
  const lines = [`usage: ${usageLine}`, "", description];
  for (const { title, options } of sections) {
    if (options.length === 0) continue;
    lines.push("", `${title}:`);
    for (const o of options) {
      const left = `  --${o.name}${o.kind === "boolean" ? "" : ` ${o.arg ?? (o.kind === "int" || o.kind === "number" ? "N" : o.kind.endsWith("list") ? "LIST" : "X")}`}`;
      const extra = [o.choices ? `one of ${o.choices.join(", ")}` : null, o.defaultText !== undefined ? `default ${o.defaultText}` : null, o.required ? "required" : null].filter((x) => x !== null);
      lines.push(`${left.padEnd(24)} ${o.description}${extra.length ? ` (${extra.join("; ")})` : ""}`);
    }
  }
  return lines.join("\n");
}
