/**
 * `lfl bench json`: the cost of loading a big MDP JSON file (read + parse + validate + TabularMdp) against
 * the baseline `JSON.parse(readFileSync(path, "utf8"))` of the same file, measured in the same run, and the
 * time to refuse an input over the size budget (a sparse file, so nothing is written to disk).
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_JSON_USAGE = `lfl bench json [--states N] [--actions N] [--repeat N] [--json FILE]

  Generates a random MDP JSON file (default nS = 2000, nA = 4: about 32 MB) in a temp directory and times
  loadMdpJson (read, parse, validate, build the TabularMdp) against JSON.parse of the same file, best of N
  repetitions (default 3); the target is a ratio ≤ 1.5. Then times the refusal of a 200 MB input (a sparse
  file) by the size budget. Check the machine is quiet first (cat /proc/loadavg).`;

/** A random MDP as JSON text: each P row has 1, 2 or 4 successors with equal probabilities (sums exactly 1). */
export function randomMdpJsonText(nS: number, nA: number, seed: number): string {
  const rng = new Rng(seed);
  const parts: string[] = [`{"nS": ${nS}, "nA": ${nA}, "gamma": 0.9, "start": 0,\n"P": [`];
  const row = new Array<string>(nS);
  for (let s = 0; s < nS; s++) {
    const actions: string[] = [];
    for (let a = 0; a < nA; a++) {
      row.fill("0");
      const k = [1, 2, 4][rng.int(3)]!; // k distinct successors with probability 1/k each: sums to 1 exactly
      for (let placed = 0; placed < Math.min(k, nS);) {
        const t = rng.int(nS);
        if (row[t] !== "0") continue;
        row[t] = String(1 / Math.min(k, nS));
        placed++;
      }
      actions.push(`[${row.join(",")}]`);
    }
    parts.push(`${s ? ",\n" : ""}[${actions.join(",")}]`);
  }
  parts.push(`],\n"r": [`);
  for (let s = 0; s < nS; s++) {
    parts.push(`${s ? "," : ""}[${Array.from({ length: nA }, () => rng.normal().toFixed(6)).join(",")}]`);
  }
  parts.push("]}\n");
  return parts.join("");
}

function bestOf(repeat: number, f: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export async function runBenchJson(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("bench json", argv, { states: { type: "string" }, actions: { type: "string" }, repeat: { type: "string" } });
  const nS = intFlag("states", values.states, 2000, 1);
  const nA = intFlag("actions", values.actions, 4, 1);
  const repeat = intFlag("repeat", values.repeat, 3, 1);
  const dir = mkdtempSync(join(tmpdir(), "lfl-bench-json-"));
  try {
    const path = join(dir, "mdp.json");
    const text = randomMdpJsonText(nS, nA, 0);
    writeFileSync(path, text);
    const mb = Buffer.byteLength(text) / 2 ** 20;
    // Interleave so both see the same machine load; the first call of each warms up.
    loadMdpJson(path);
    JSON.parse(readFileSync(path, "utf8"));
    let parseMs = Infinity, loadMs = Infinity;
    for (let i = 0; i < repeat; i++) {
      parseMs = Math.min(parseMs, bestOf(1, () => JSON.parse(readFileSync(path, "utf8"))));
      loadMs = Math.min(loadMs, bestOf(1, () => loadMdpJson(path)));
    }
    const ratio = loadMs / parseMs;
    console.log(`MDP JSON nS = ${nS}, nA = ${nA}: ${mb.toFixed(1)} MB`);
    console.log(`  JSON.parse(readFileSync)   ${parseMs.toFixed(0)} ms (best of ${repeat})`);
    console.log(`  loadMdpJson                ${loadMs.toFixed(0)} ms (best of ${repeat}) = ${ratio.toFixed(2)} × JSON.parse (target ≤ 1.5)`);
    // The tolerant path: the same file with one bare NaN (Python's json.dump writes them) is refused naming the entry.
    const nanPath = join(dir, "nan.json");
    writeFileSync(nanPath, text.replace('"r": [[', '"r": [[NaN,').replace(/^(\{.*?"r": \[\[NaN,)[^,]*,/s, "$1"));
    let nanMessage = "";
    const nanMs = bestOf(1, () => {
      try {
        loadMdpJson(nanPath);
      } catch (e) {
        nanMessage = (e as Error).message;
      }
    });
    console.log(`  one NaN token (tolerant)   ${nanMs.toFixed(0)} ms = ${(nanMs / parseMs).toFixed(2)} × JSON.parse: ${nanMessage.slice(nanMessage.lastIndexOf(":") - 12)}`);
    const bigPath = join(dir, "big.json");
    writeFileSync(bigPath, "");
    truncateSync(bigPath, 200 * 2 ** 20); // sparse: no data blocks
    let code = "";
    const refuseMs = bestOf(1, () => {
      try {
        loadMdpJson(bigPath);
      } catch (e) {
        code = e instanceof InputError ? e.code : String(e);
      }
    });
    console.log(`  200 MB input refused       ${refuseMs.toFixed(2)} ms (${code})`);
    if (values.json !== undefined) {
      writeFileAtomic(values.json, `${JSON.stringify({ target: "json", nS, nA, megabytes: mb, repeat, parseMs, loadMs, ratio, nanMs, refuseMs, refuseCode: code }, null, 2)}\n`);
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
