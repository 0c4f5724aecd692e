/**
 * The command line shared by the tabular tuning scripts (issue 15): `<a>-<b> [families]` measures every family ×
 * learner × tuning seed (≥ 100 only) and prints one JSON line per run; `--analyse <jsonl files>` pools such lines.
 */
import { readFileSync } from "node:fs";
import { TABULAR_BENCHMARK, type TabularFamily } from "../src/experiments/tabular-benchmark.ts";
import type { TabularLearnerId } from "../src/learners/tabular-learners.ts";

export function tuningMain<Row>(measure: (family: TabularFamily, learner: TabularLearnerId, seed: number) => Row, analyse: (rows: Row[]) => void, argv: readonly string[] = process.argv.slice(2)): void {
  if (argv[0] === "--analyse") return analyse(argv.slice(1).flatMap((f) => readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Row)));
  const [a, b] = (argv[0] ?? "").split("-").map(Number);
  if (!(a! >= 100)) throw new Error("tuning seeds ≥ 100 only: give a range such as 100-129");
  const families = (argv[1]?.split(",") ?? TABULAR_BENCHMARK.families) as TabularFamily[];
  for (const f of families) for (const l of TABULAR_BENCHMARK.learners) for (let s = a!; s <= (b ?? a)!; s++) console.log(JSON.stringify(measure(f, l, s)));
}
