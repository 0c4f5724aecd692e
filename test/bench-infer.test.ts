import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lfl } from "./lfl-cli.ts";
import { loadKernelBackend } from "../src/nn/kernels.ts";
import { benchInferConfig, runInferSetting, syntheticBoxHistory } from "../src/cli/bench-infer.ts";
import type { InferComparisonRow } from "../src/cli/bench-infer-compare.ts";

test("runInferSetting: steps within each stage's budget, held-out losses where a stage has one, the paper's budgets scaled", () => {
  const columns = syntheticBoxHistory(3, 48, 17, 6, 1);
  const paper = runInferSetting(columns, "paper", 0.004, 1);
  assert.deepEqual(paper.stages.map((s) => [s.stage, s.steps, s.budget]), [["policies", 12, 12], ["kl", 1, 1], ["reward-init", 12, 12], ["consistency", 4, 4]]);
  assert.equal(paper.stages[0]!.heldOutLoss, null);
  const infer = runInferSetting(columns, "infer", 0.05, 1);
  const [pol, kl, init, cons] = infer.stages;
  assert.ok(pol!.steps > 0 && pol!.steps <= pol!.budget && Number.isFinite(pol!.heldOutLoss));
  assert.deepEqual([kl!.steps, kl!.budget, init!.steps, init!.budget], [0, 0, 0, 0]); // exact KL, clone init
  assert.ok(cons!.steps > 0 && cons!.steps <= 50 && Number.isFinite(cons!.heldOutLoss));
  assert.ok(infer.stages.every((s) => s.cpuSeconds >= 0 && s.seconds >= 0));
  assert.equal(runInferSetting(columns, "infer", 0.05, 1).rewardSha256, infer.rewardSha256, "the hash excludes the timings");
  assert.equal(benchInferConfig("authors", 1).batchSize, 100);
  assert.equal(benchInferConfig("authors", 1).policySteps, 3000);
});

test("lfl bench infer --backends: every setting × stage × backend with ratios against ts, one reward hash (reduced size)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lfl-bench-infer-"));
  try {
    const other = (["wasm", "native"] as const).filter((b) => loadKernelBackend(b) !== null);
    const backends = ["ts", ...other];
    const file = join(dir, "b.json");
    const r = lfl("bench", "infer", "--updates", "3", "--pairs", "48", "--scale", "0.004", "--settings", "paper,infer", "--backends", backends.join(","), "--json", file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /same recovered reward .* under every float64 backend/);
    const out = JSON.parse(readFileSync(file, "utf8")) as { summary: InferComparisonRow[] };
    assert.equal(out.summary.length, 2 * 5 * backends.length);
    for (const row of out.summary) {
      if (row.kernels === "ts") assert.deepEqual([row.wallVsTs, row.cpuVsTs], [1, 1]);
      else assert.ok(row.wallVsTs! > 0 && row.cpuVsTs! > 0);
    }
    assert.equal(lfl("bench", "infer", "--settings", "fast").code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
