/**
 * Every float64 kernel backend, end to end: the MLP and head tests (gradient checks included) rerun in a child
 * process per available backend (LFL_KERNELS is read once per process), and a short training run gives the same
 * SHA-256 of its parameters under every backend — same seed, same bytes. (native-f32 is not bit-identical by
 * design and its gradient checks would need float32 tolerances: its tests are in kernels-f32.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FLOAT64_KERNEL_BACKENDS, KERNEL_BACKEND, isFloat64Backend, loadKernelBackend } from "./kernels.ts";

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const available = FLOAT64_KERNEL_BACKENDS.filter((n) => loadKernelBackend(n) !== null);

/** Trains a 17-64-64-6 tanh MLP with clipped Adam on batches of 1, 64, 300 and 2048 rows; prints the parameters' SHA-256. */
const TRAIN_SCRIPT = `
import { createHash } from "node:crypto";
import { Rng } from ${JSON.stringify(here("../core/rng.ts"))};
import { MLP } from ${JSON.stringify(here("./mlp.ts"))};
import { Adam } from ${JSON.stringify(here("./adam.ts"))};
const rng = new Rng(11);
const net = new MLP([17, 64, 64, 6], { rng });
const adam = new Adam([net], { lr: 1e-3, maxGradNorm: 0.5 });
for (const batch of [1, 64, 300, 2048, 64]) {
  const x = Float64Array.from({ length: batch * 17 }, () => rng.normal());
  const target = Float64Array.from({ length: batch * 6 }, () => rng.normal());
  for (let step = 0; step < 3; step++) {
    adam.zeroGrad();
    const y = net.forward(x, batch);
    const dy = y.map((v, i) => (2 * (v - target[i])) / y.length);
    net.backward(dy, true);
    adam.step();
  }
}
process.stdout.write(createHash("sha256").update(net.params).digest("hex"));
`;

function runChild(backend: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, LFL_KERNELS: backend }, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("every available backend learns the same parameter bytes (native twice: its thread pool)", () => {
  const hashes = new Map<string, string[]>();
  for (const b of available) {
    for (let i = 0; i < (b === "native" ? 2 : 1); i++) {
      const r = runChild(b, ["--input-type=module", "-e", TRAIN_SCRIPT]);
      assert.equal(r.status, 0, `${b}: ${r.stderr}`);
      assert.match(r.stdout, /^[0-9a-f]{64}$/);
      hashes.set(b, [...(hashes.get(b) ?? []), r.stdout]);
    }
  }
  const all = new Set([...hashes.values()].flat());
  assert.equal(all.size, 1, `parameter hashes differ: ${JSON.stringify(Object.fromEntries(hashes))}`);
  assert.ok(available.includes("ts") && available.includes("wasm"), "ts and wasm are always available in Node");
});

test("MLP and head tests (gradient checks) pass under every available backend", () => {
  for (const b of available) {
    if (b === KERNEL_BACKEND) continue; // this process runs them already
    const r = runChild(b, ["--test", here("./mlp.test.ts"), here("./heads.test.ts")]);
    assert.equal(r.status, 0, `LFL_KERNELS=${b}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  }
});

test("MLP and head tests (gradient checks) are not run under native-f32: gradient checks stay float64 (its float32 products are checked against float64 within a tolerance in kernels-f32.test.ts)", () => {
  assert.ok(!(FLOAT64_KERNEL_BACKENDS as readonly string[]).includes("native-f32"), "native-f32 is among the float64 backends");
  assert.ok(!(available as readonly string[]).includes("native-f32"), "the gradient-check loop above would run native-f32");
  assert.equal(isFloat64Backend("native-f32"), false);
  assert.ok(FLOAT64_KERNEL_BACKENDS.every(isFloat64Backend));
});
