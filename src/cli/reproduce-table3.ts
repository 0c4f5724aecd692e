/**
 * `lfl reproduce table3 [--quick | --scale small|full|paper] [--run-dir DIR] [--env IDS] [--seeds LIST] [--window W]
 * [--finished-only]`:
 * Table 3 + Fig. 4 (experiments/table3.ts). Long: progress on stderr, every (env, seed, stage) checkpointed
 * under --run-dir so an interrupted run resumes where it stopped. Writes <out-dir>/table3.json, table3.md and
 * fig4.svg for the full scale, table3-<scale>.* / fig4-<scale>.svg otherwise. --finished-only assembles those
 * files from the cells already fully checkpointed, computing nothing, and lists the missing cells in them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { InputError } from "../core/errors.ts";
import { envSpec } from "../envs/registry.ts";
import { loadMujoco } from "../envs/mujoco/mujoco-runtime.ts";
import { provenance, startClock } from "../experiments/provenance.ts";
import { TABLE3_SCALES, parseWindow, withWindow, type Table3Progress, type Table3ScaleName } from "../experiments/table3.ts";
import { ALGORITHM1_PAPER } from "../observer/algorithm-1/algorithm-1.ts";
import { resolveScale, runTable3, table3PpoUpdates } from "../experiments/table3-runner.ts";
import { table3Markdown, table3Notes, table3Tables, table3Title } from "../reports/table3-report.ts";
import { renderFig4 } from "../reports/fig4.ts";
import { intFlag, parseCommandArgs } from "./command.ts";
import { DEFAULT_OUT_DIR, REPRODUCE_OPTIONS, type ReproduceTarget } from "./reproduce.ts";

export const TABLE3_OPTIONS = [
  "--scale <s>        quick | small | full | paper (default full; --quick = --scale quick); docs/table3.md",
  "--run-dir <dir>    checkpoints, resumed on re-run (default runs/table3)",
  "--env <ids>        comma-separated subset of the scale's envs",
  "--seeds <list>     comma-separated seeds instead of the scale's (--seed n shifts the scale's seeds by n)",
  "--window <w>       replace the observed updates of the one --env given: 'from-to/step' or a list (e.g. 100-200/25);",
  "                   default run dir runs/table3-window-<from>-<to> (give --run-dir to keep two windows with the",
  "                   same ends apart: a cell is recomputed, never mixed, when its window differs), outputs suffixed -w<from>-<to>",
  "--algorithm1 <a>   ours (default) | paper: Algorithm 1 with the paper's §6.3 settings (ALGORITHM1_PAPER);",
  "                   default run dir runs/table3-paper-alg1 (copy a run dir there to reuse its learners), files suffixed -paper-alg1",
  "--finished-only    assemble from the (env, seed) cells whose every stage is checkpointed; compute nothing,",
  "                   list the missing cells and seeds per env in the results (exit 2 if no cell is finished)",
] as const;

const list = (flag: string, v: string | undefined): string[] | undefined => {
  if (v === undefined) return undefined;
  const xs = v.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (xs.length === 0) throw new InputError("E_USAGE", `--${flag} needs a comma-separated list`);
  return xs;
};

export const target: ReproduceTarget = {
  name: "table3",
  async run(argv: string[]): Promise<number> {
    const clock = startClock();
    const { values } = parseCommandArgs("reproduce table3", argv, { ...REPRODUCE_OPTIONS, scale: { type: "string" }, "run-dir": { type: "string" }, env: { type: "string" }, seeds: { type: "string" }, window: { type: "string" }, algorithm1: { type: "string" }, "finished-only": { type: "boolean" } });
    if (values.help) {
      console.log(["usage: lfl reproduce table3 [options]", "", ...TABLE3_OPTIONS.map((o) => `  ${o}`)].join("\n"));
      return 0;
    }
    const name = (values.quick ? "quick" : values.scale ?? "full") as Table3ScaleName;
    if (!(name in TABLE3_SCALES)) throw new InputError("E_USAGE", `--scale must be one of ${Object.keys(TABLE3_SCALES).join(", ")}, got '${name}'`);
    const envs = list("env", values.env);
    const window = values.window === undefined ? undefined : parseWindow(values.window);
    if (window && envs?.length !== 1) throw new InputError("E_USAGE", "--window applies to one env: give exactly one --env");
    const alg1 = values.algorithm1 ?? "ours";
    if (alg1 !== "ours" && alg1 !== "paper") throw new InputError("E_USAGE", `--algorithm1 must be ours or paper, got '${alg1}'`);
    const windowed = window ? withWindow(resolveScale(name), envs![0]!, window) : resolveScale(name);
    // The paper's stage choices at this scale's step counts (the quick scale shortens them).
    const scale = alg1 === "paper" ? { ...windowed, algorithm1: { ...ALGORITHM1_PAPER, updates: null, ...windowed.algorithm1 } } : windowed;
    const shift = intFlag("seed", values.seed, 0);
    const seeds = list("seeds", values.seeds)?.map((s) => intFlag("seeds", s, 0)) ?? scale.seeds.map((s) => s + shift);
    const windowTag = window ? `-window-${window[0]}-${window[window.length - 1]}` : "";
    const alg1Tag = alg1 === "paper" ? "-paper-alg1" : "";
    const runDir = values["run-dir"] ?? join("runs", `table3${windowTag}${alg1Tag}`);
    const outDir = values["out-dir"] ?? DEFAULT_OUT_DIR;
    const chosen = envs ?? scale.envs.map((e) => e.id);
    const finishedOnly = values["finished-only"] === true;
    const mujoco = !finishedOnly && chosen.some((id) => envSpec(id).needsMujoco) ? await loadMujoco() : undefined;

    // ── Progress: one bar of PPO updates (skipped stages count at once); plain lines when stderr is not a TTY ──
    const tty = process.stderr.isTTY === true && !finishedOnly;
    const bar = new cliProgress.SingleBar({ format: "table3 {bar} {value}/{total} PPO updates  {eta_formatted} left  {what}", stream: process.stderr, hideCursor: true, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
    if (tty) bar.start(table3PpoUpdates(scale, envs, seeds), 0, { what: "" });
    const windowEnd = (env: string): number => Math.max(...scale.envs.find((e) => e.id === env)!.window);
    let lastLine = performance.now();
    const onProgress = (e: Table3Progress): void => {
      const what = `${e.env} seed ${e.seed} ${e.stage}`;
      if (e.kind === "tick") {
        if (tty) bar.increment(e.ppoUpdate ? 1 : 0, { what: `${what} ${e.detail}` });
        else if (performance.now() - lastLine > 60_000) {
          lastLine = performance.now();
          process.stderr.write(`table3: ${what} ${e.detail}\n`);
        }
        return;
      }
      if (e.status === "skipped" && tty) bar.increment(e.stage === "learner" ? windowEnd(e.env) + 1 + scale.observerUpdates : e.stage === "algorithm-1" ? 0 : scale.observerUpdates, { what: `${what} (resumed)` });
      if (!tty && e.status !== "start") process.stderr.write(`table3: ${what} ${e.status}${e.seconds === undefined ? "" : ` (${e.seconds.toFixed(1)} s)`}\n`);
    };
    const result = runTable3({ scale, runDir, seeds, ...(envs ? { envs } : {}), ...(mujoco ? { mujoco } : {}), onProgress, finishedOnly });
    if (tty) bar.stop();

    const meta = provenance(clock, { command: ["lfl", "reproduce", "table3", ...argv].join(" "), seed: shift });
    const json = `${JSON.stringify({ ...meta, ...result }, null, 2)}\n`;
    const suffix = name === "full" && !envs && values.seeds === undefined && alg1 === "ours" ? "" : `-${name}${envs ? `-${envs.join("+")}` : ""}${window ? `-w${window[0]}-${window[window.length - 1]}` : ""}${alg1Tag}`;
    mkdirSync(outDir, { recursive: true });
    const written = [join(outDir, `table3${suffix}.json`), join(outDir, `table3${suffix}.md`), join(outDir, `fig4${suffix}.svg`)];
    writeFileSync(written[0]!, json);
    writeFileSync(written[1]!, table3Markdown(result, meta));
    writeFileSync(written[2]!, await renderFig4(result));
    if (values.json !== undefined) {
      writeFileSync(values.json, json);
      written.push(values.json);
    }
    console.log(`${table3Title(result)}\n`);
    console.log(table3Tables(result));
    console.log(`\n${table3Notes(result).map((n) => `- ${n}`).join("\n")}`);
    console.log(`wrote ${written.join(", ")}`);
    return 0;
  },
};
