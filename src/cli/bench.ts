/**
 * `lfl bench <target>`: throughput benchmarks. One line per target, loaded lazily; each target parses its own
 * options (bench-*.ts). `lfl bench` alone prints the targets (exit 2), `--help` anywhere prints help only.
 */
import { InputError } from "../core/errors.ts";
import { printable } from "../core/printable.ts";
import type { Command } from "./command.ts";

interface BenchTarget {
  summary: string;
  load: () => Promise<{ run: (argv: string[]) => Promise<number>; usage: string }>;
}

const TARGETS: Record<string, BenchTarget> = {
  ppo: { summary: "PPO env-steps/s vs physics-only env-steps/s", load: async () => { const m = await import("./bench-ppo.ts"); return { run: m.runBenchPpo, usage: m.BENCH_PPO_USAGE }; } },
  nn: { summary: "NN kernel timings at PPO's sizes (LFL_KERNELS=ts|native)", load: async () => { const m = await import("./bench-nn.ts"); return { run: m.runBenchNn, usage: m.BENCH_NN_USAGE }; } },
  env: { summary: "physics-only env-steps/s of registered envs", load: async () => { const m = await import("./bench-env.ts"); return { run: m.runBenchEnv, usage: m.BENCH_ENV_USAGE }; } },
  table2: { summary: "wall time of the full Table 2 (4 learners × 10 seeds) vs the 10 s budget", load: async () => { const m = await import("./bench-table2.ts"); return { run: m.runBenchTable2, usage: m.BENCH_TABLE2_USAGE }; } },
  workers: { summary: "env stepping on the main thread vs split over worker threads", load: async () => { const m = await import("./bench-workers.ts"); return { run: m.runBenchWorkers, usage: m.BENCH_WORKERS_USAGE }; } },
  infer: { summary: "Algorithm 1 per stage (wall, CPU, steps, held-out loss): paper's, authors', default and infer settings, every backend vs ts", load: async () => { const m = await import("./bench-infer.ts"); return { run: m.runBenchInfer, usage: m.BENCH_INFER_USAGE }; } },
  sweep: { summary: "cells/hour of a toy sweep in-process, on the pool (1, 2 jobs) and on Redis (2 workers)", load: async () => { const m = await import("./bench-sweep.ts"); return { run: m.runBenchSweep, usage: m.BENCH_SWEEP_USAGE }; } },
  json: { summary: "loading a 32 MB MDP JSON vs JSON.parse of it (target ≤ 1.5×); refusing a 200 MB input", load: async () => { const m = await import("./bench-json.ts"); return { run: m.runBenchJson, usage: m.BENCH_JSON_USAGE }; } },
  browser: { summary: "the dashboard in headless chromium vs Node: Table 1 pipeline time, MuJoCo env-steps/s in a Web Worker", load: async () => { const m = await import("./bench-browser.ts"); return { run: m.runBenchBrowser, usage: m.BENCH_BROWSER_USAGE }; } },
};

const USAGE = ["usage: lfl bench <target> [options]   (lfl bench <target> --help for its options)", "", "targets:",
  ...Object.entries(TARGETS).map(([n, t]) => `  ${n.padEnd(12)} ${t.summary}`)].join("\n");

export const command: Command = {
  name: "bench",
  summary: "throughput benchmarks (" + Object.keys(TARGETS).join(", ") + ")",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h") {
      console.log(USAGE);
      return name === undefined ? 2 : 0;
    }
    const target = Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
    if (target === undefined) throw new InputError("E_USAGE", `bench: unknown target '${printable(name, 80)}' (targets: ${Object.keys(TARGETS).join(", ")})`);
    const t = await target.load();
    // `--help` anywhere after the target prints the target's options and does nothing else.
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(t.usage);
      return 0;
    }
    return t.run(rest);
  },
};
