/**
 * Content keys for cells: a hash of what determines a result — the resolved settings, the keys of the input
 * cells, and the source code that computes it (the transitive closure of relative imports from the runner's
 * module, plus the native kernel sources and the pinned MuJoCo version). Changed code ⇒ a new key ⇒ the old
 * checkpoint no longer matches (unless the caller explicitly reuses stale cells, and then the results say so).
 *
 * Usage: `const key = contentKey({ settings, inputs: [learnerKey], code: codeHash([runnerFile]) });`
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** The repository (or installed package) root: three folders above this file. */
export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** JSON with object keys sorted at every depth (so equal settings give equal text). Rejects non-finite numbers. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new RangeError(`stableStringify: non-finite number ${v}`);
    if (v === null || typeof v !== "object" || Array.isArray(v) || ArrayBuffer.isView(v)) return v;
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  });
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

const IMPORT = /(?:import|export)(\s+type\s+(?!from\b))?[^'"]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;

/**
 * Every source file reachable by relative imports from `entries` (absolute paths), sorted, repo-relative.
 * Type-only imports (`import type …`, `export type … from`) are not followed: they are erased before the code runs.
 */
export function sourceClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = entries.map((e) => resolve(e));
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) if (m[1] === undefined) stack.push(resolve(dirname(file), m[2] ?? m[3]!));
  }
  return [...seen].map((f) => relative(REPO_ROOT, f)).sort();
}

const nativeSources = (): string[] => {
  const dir = join(REPO_ROOT, "native");
  return existsSync(dir) ? readdirSync(dir).filter((f) => /\.(c|cc|cpp|h|gyp)$/.test(f)).sort().map((f) => join("native", f)) : [];
};

/**
 * Hash of the code behind a runner: its import closure, the native kernel sources and the MuJoCo version
 * (read afresh on every call: a few milliseconds per plan).
 */
export function codeHash(entries: readonly string[]): string {
  const h = createHash("sha256");
  for (const rel of [...sourceClosure(entries), ...nativeSources()]) {
    h.update(rel).update("\0").update(readFileSync(join(REPO_ROOT, rel))).update("\0");
  }
  h.update(`mujoco ${mujocoVersion()}`);
  return h.digest("hex");
}

function mujocoVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, "node_modules/mujoco/package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "absent";
  }
}

export interface KeyParts {
  /** The resolved settings (JSON; defaults filled in, so a changed default changes the key). */
  settings: unknown;
  /** Keys of the cells whose results this one reads. */
  inputs: readonly string[];
  /** codeHash(...) of the runner. */
  code: string;
}

/** The settings-only key: equal when the settings and inputs are, whatever the code (for `--reuse-stale`). */
export function settingsKey(parts: Pick<KeyParts, "settings" | "inputs">): string {
  return sha256(stableStringify({ settings: parts.settings, inputs: parts.inputs })).slice(0, 32);
}

export function contentKey(parts: KeyParts): string {
  return sha256(stableStringify({ settings: parts.settings, inputs: parts.inputs, code: parts.code })).slice(0, 32);
}
