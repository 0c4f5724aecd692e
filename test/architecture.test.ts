// The source tree reads as the paper's pipeline: each folder imports only from folders above it
// (../shared/DESIGN.md). This test parses every import in src/ and enforces that order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ORDER = ["core", "nn", "envs", "solvers", "data", "rewards", "learners", "observer", "evaluation", "experiments", "reports", "cli"];
const SRC = resolve(import.meta.dirname, "../src");

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith(".ts")) yield p;
  }
}

function layerOf(file: string): string | undefined {
  const rel = relative(SRC, file);
  return rel.includes(sep) ? rel.split(sep)[0] : undefined; // top-level files (index.ts) may import anything
}

test("every top-level folder of src/ is a known layer", () => {
  for (const name of readdirSync(SRC)) {
    if (statSync(join(SRC, name)).isDirectory()) assert.ok(ORDER.includes(name), `unknown layer src/${name}`);
  }
});

test("imports follow the layer order core → nn → envs → … → cli", () => {
  const violations: string[] = [];
  for (const file of walk(SRC)) {
    const from = layerOf(file);
    if (from === undefined) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + sep)) { violations.push(`${relative(SRC, file)} imports outside src: ${spec}`); continue; }
      const to = layerOf(target);
      if (to === undefined) { violations.push(`${relative(SRC, file)} imports the top-level ${spec}`); continue; }
      if (ORDER.indexOf(to) > ORDER.indexOf(from)) violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.deepEqual(violations, []);
});
