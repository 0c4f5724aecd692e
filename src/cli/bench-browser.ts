/**
 * `lfl bench browser`: the dashboard's in-browser speed beside Node's, in one run — the Table 1 pipeline
 * (runTable1) on the page's main thread vs in this process, and MuJoCo env-steps/s (the library's env, uniformly
 * random actions from Rng, no rendering) in a Web Worker vs on this process's main thread. Drives Debian's
 * chromium headless through playwright-core against a dashboard server on 127.0.0.1 (port chosen by the OS).
 * Targets (issue 18): Table 1 in the browser < 1 s; browser physics ≥ 50% of Node's env-steps/s.
 */
import { writeFileAtomic } from "../core/atomic-file.ts";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, LflError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { loadMujoco, packageRoot } from "../envs/mujoco/mujoco-runtime.ts";
import { Ant } from "../envs/mujoco/ant.ts";
import { HalfCheetah } from "../envs/mujoco/half-cheetah.ts";
import { Hopper } from "../envs/mujoco/hopper.ts";
import type { MujocoEnv } from "../envs/mujoco/mujoco-env.ts";
import type { MujocoRuntime } from "../envs/mujoco/mujoco-runtime.ts";
import { Reacher } from "../envs/mujoco/reacher.ts";
import { envSpec } from "../envs/registry.ts";
import { runTable1 } from "../experiments/table1.ts";
import { markdownTable } from "../reports/markdown-table.ts";
import { intFlag, parseCommandArgs } from "./command.ts";
import { ensureDashboardBuilt } from "./dashboard.ts";
import { startDashboardServer } from "./dashboard-server.ts";

export const BENCH_BROWSER_USAGE = `lfl bench browser [--steps N] [--env ID] [--reps N] [--chromium PATH] [--json FILE]

  Times, in the same run: the Table 1 pipeline in headless chromium (the dashboard's bundle of the library) and
  in Node (median of --reps, default 5); MuJoCo env-steps/s of --env (default HalfCheetah-v5; --steps, default
  20000, uniformly random actions) in a Web Worker and in Node. Prints the ratios and the checksums of the
  rewards (equal: the same physics). Needs chromium (default /usr/bin/chromium, or LFL_CHROMIUM).`;

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** The env classes without the TimeLimit wrapper, as the dashboard's worker builds them. */
const MUJOCO_ENVS: Record<string, (rt: MujocoRuntime) => MujocoEnv> = {
  "HalfCheetah-v5": (rt) => new HalfCheetah(rt), "Hopper-v5": (rt) => new Hopper(rt), "Ant-v5": (rt) => new Ant(rt), "Reacher-v5": (rt) => new Reacher(rt),
};

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The Web Worker's loop (dashboard/src/workers/bench.worker.ts), in Node. */
async function nodePhysics(envId: string, steps: number, seed: number): Promise<{ stepsPerSecond: number; checksum: number }> {
  const rt = await loadMujoco();
  const env = MUJOCO_ENVS[envId]!(rt);
  const { low, high } = env.actionSpace;
  const rng = new Rng(seed);
  const a = new Float64Array(low.length);
  env.reset({ seed });
  const t0 = performance.now();
  let checksum = 0;
  for (let i = 0; i < steps; i++) {
    for (let j = 0; j < a.length; j++) a[j] = rng.uniformIn(low[j]!, high[j]!);
    checksum += env.step(a).reward;
    if ((i + 1) % 1000 === 0) env.reset();
  }
  const seconds = (performance.now() - t0) / 1000;
  env.close();
  return { stepsPerSecond: steps / seconds, checksum };
}

export async function runBenchBrowser(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs("bench browser", argv, { steps: { type: "string" }, env: { type: "string" }, reps: { type: "string" }, chromium: { type: "string" } });
  const steps = intFlag("steps", v.steps, 20000, 1);
  const reps = intFlag("reps", v.reps, 5, 1);
  const envId = envSpec(v.env ?? "HalfCheetah-v5").id;
  if (MUJOCO_ENVS[envId] === undefined) throw new InputError("E_USAGE", `bench browser: --env must be a MuJoCo env, got ${envId}`);
  const chromiumPath = v.chromium ?? process.env.LFL_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(chromiumPath)) throw new LflError("E_FILE", `bench browser: chromium not found at ${chromiumPath} (apt-get install chromium, or --chromium PATH)`);
  let load = "unknown";
  try {
    load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    // not Linux
  }
  process.stderr.write(`bench browser: Table 1 × ${reps}, ${envId} × ${steps} steps; load average ${load}\n`);
  const appDir = await ensureDashboardBuilt(false, (s) => process.stderr.write(`${s}\n`));
  const srv = await startDashboardServer({ port: 0, resultsDir: join(packageRoot(), "results"), appDir, runsDir: join(packageRoot(), "runs") });
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ARGS });
  let bench: { table1?: { seconds: number[]; observerRegret: number }; mujoco?: { stepsPerSecond: number; checksum: number }; error?: string };
  try {
    const page = await browser.newPage();
    await page.goto(`${srv.url}#/bench/steps=${steps}&env=${envId}&reps=${reps}`);
    await page.waitForFunction("window.__lflBench?.mujoco !== undefined || window.__lflBench?.error !== undefined", null, { timeout: 600_000 });
    bench = (await page.evaluate("window.__lflBench")) as typeof bench;
  } finally {
    await browser.close();
    await srv.close();
  }
  if (bench.error !== undefined || !bench.table1 || !bench.mujoco) throw new LflError("E_ENV", `bench browser: the page failed: ${bench.error ?? "no result"}`);
  const nodeT1: number[] = [];
  let regret = Number.NaN;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = runTable1();
    nodeT1.push((performance.now() - t0) / 1000);
    regret = r.rows.find((x) => x.id === "observer-rphi")!.regret;
  }
  const node = await nodePhysics(envId, steps, 0);
  const b1 = median(bench.table1.seconds), n1 = median(nodeT1);
  const rows = [
    { what: "Table 1 pipeline (s, median)", browser: b1, node: n1, ratio: b1 / n1, target: "browser < 1 s", met: b1 < 1 },
    { what: `${envId} env-steps/s`, browser: bench.mujoco.stepsPerSecond, node: node.stepsPerSecond, ratio: bench.mujoco.stepsPerSecond / node.stepsPerSecond, target: "browser ≥ 0.5 × Node", met: bench.mujoco.stepsPerSecond >= 0.5 * node.stepsPerSecond },
  ];
  console.log(markdownTable([
    { header: "measure", value: (r) => r.what }, { header: "browser", value: (r) => r.browser, digits: 4 }, { header: "Node", value: (r) => r.node, digits: 4 },
    { header: "browser / Node", value: (r) => r.ratio, digits: 3 }, { header: "target", value: (r) => r.target }, { header: "met", value: (r) => (r.met ? "yes" : "NO") },
  ], rows));
  const sameRegret = Math.abs(regret - bench.table1.observerRegret);
  console.log(`checks: Table 1 observer regret browser ${bench.table1.observerRegret.toExponential(3)} vs Node ${regret.toExponential(3)}; physics reward checksum browser ${bench.mujoco.checksum} vs Node ${node.checksum} (${bench.mujoco.checksum === node.checksum ? "identical" : "DIFFERENT"})`);
  if (v.json !== undefined) writeFileAtomic(v.json, `${JSON.stringify({ command: `lfl bench browser ${argv.join(" ")}`.trim(), load, envId, steps, reps, browser: bench, node: { table1Seconds: nodeT1, observerRegret: regret, ...node }, rows, regretDifference: sameRegret }, null, 2)}\n`);
  return 0;
}
