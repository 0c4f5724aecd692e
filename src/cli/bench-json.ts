/**
 * `lfl bench json`: the cost of loading a big MDP JSON file (read + parse + validate + TabularMdp) against
 * the baseline `JSON.parse(readFileSync(path, "utf8"))` of the same file, measured in the same run, and the
 * time to refuse an input over the size budget (a sparse file, so nothing is written to disk).
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { loadMdpJson } from "../envs/tabular/mdp-json.ts";
import { intFlag, parseCommandArgs } from "./command.ts";

export const BENCH_JSON_USAGE = `lfl bench json [--states N] [--actions N] [--repeat N] [--json FILE]

  Generates a random MDP JSON file (default nS = 2000, nA = 4: about 32 MB) in a temp directory and times
  loadMdpJson (read, parse, validate, build the TabularMdp) against JSON.parse(readFileSync) of the same file
  in N interleaved pairs (default 7; the order alternates A B / B A and each call follows a full GC) and
  reports the median times and the median of the pairs' ratios with their range; the target is ≤ 1.5. Then times the refusal of a 200 MB input (a sparse
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

/** A full garbage collection, so neither side of a pair pays for the other's garbage (no-op if unavailable). */
function collectGarbage(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    return;
  }
  try {
    setFlagsFromString("--expose-gc");
    (runInNewContext("gc") as () => void)();
  } catch {
    // no collector hook: the pairs still interleave
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One timed call after a collection; the result is kept alive until the clock stops, then dropped. */
function timeOnce(f: () => unknown): number {
  collectGarbage();
  const t0 = performance.now();
  const kept = f();
  const ms = performance.now() - t0;
  void kept;
  return ms;
}

/**
 * `repeat` interleaved pairs on the same bytes, the order alternating (A B, B A, A B, …) so a load that
 * drifts during the run hits both sides alike. Returns both sides' times and each pair's ratio B / A.
 */
export function interleavedPairs(repeat: number, a: () => unknown, b: () => unknown): { aMs: number[]; bMs: number[]; ratios: number[] } {
  const aMs: number[] = [], bMs: number[] = [], ratios: number[] = [];
  for (let i = 0; i < repeat; i++) {
    let ta: number, tb: number;
    if (i % 2 === 0) {
      ta = timeOnce(a);
      tb = timeOnce(b);
    } else {
      tb = timeOnce(b);
      ta = timeOnce(a);
    }
    aMs.push(ta);
    bMs.push(tb);
    ratios.push(tb / ta);
  }
  return { aMs, bMs, ratios };
}

export async function runBenchJson(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("bench json", argv, { states: { type: "string" }, actions: { type: "string" }, repeat: { type: "string" } });
  const nS = intFlag("states", values.states, 2000, 1);
  const nA = intFlag("actions", values.actions, 4, 1);
  const repeat = intFlag("repeat", values.repeat, 7, 1);
  const dir = mkdtempSync(join(tmpdir(), "lfl-bench-json-"));
  try {
    const path = join(dir, "mdp.json");
    const text = randomMdpJsonText(nS, nA, 0);
    writeFileSync(path, text);
    const mb = Buffer.byteLength(text) / 2 ** 20;
    // Warm-up (compiles both paths), then interleaved pairs A/B, B/A, …, each call after a full collection.
    loadMdpJson(path);
    JSON.parse(readFileSync(path, "utf8"));
    const pairs = interleavedPairs(repeat, () => JSON.parse(readFileSync(path, "utf8")), () => loadMdpJson(path));
    const parseMs = median(pairs.aMs), loadMs = median(pairs.bMs);
    const ratio = median(pairs.ratios);
    const ratioMin = Math.min(...pairs.ratios), ratioMax = Math.max(...pairs.ratios);
    console.log(`MDP JSON nS = ${nS}, nA = ${nA}: ${mb.toFixed(1)} MB, ${repeat} interleaved pairs (median; each call after a full GC)`);
    console.log(`  JSON.parse(readFileSync)   ${parseMs.toFixed(0)} ms (median; ${Math.min(...pairs.aMs).toFixed(0)}–${Math.max(...pairs.aMs).toFixed(0)})`);
    console.log(`  loadMdpJson                ${loadMs.toFixed(0)} ms (median; ${Math.min(...pairs.bMs).toFixed(0)}–${Math.max(...pairs.bMs).toFixed(0)})`);
    console.log(`  ratio loadMdpJson / JSON.parse, median of the pairs: ${ratio.toFixed(2)} (pairs ${ratioMin.toFixed(2)}–${ratioMax.toFixed(2)}; target ≤ 1.5)`);
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
      writeFileAtomic(values.json, `${JSON.stringify({ target: "json", nS, nA, megabytes: mb, repeat, parseMs, loadMs, ratio, ratioMin, ratioMax, pairRatios: pairs.ratios, parseRuns: pairs.aMs, loadRuns: pairs.bMs, nanMs, refuseMs, refuseCode: code }, null, 2)}\n`);
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
