import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../core/rng.ts";
import { MLP } from "./mlp.ts";
import { orthogonalInit } from "./init.ts";
import { numericGrad, relError } from "./grad-check.ts";

test("MLP gradient check: parameters and input, tanh hidden layers, linear output (rel. error < 1e-6)", () => {
  const rng = new Rng(3);
  for (const sizes of [[3, 2], [5, 7, 6, 3], [17, 64, 64, 6]]) {
    const net = new MLP(sizes, { rng, outputGain: 0.5 });
    const batch = 5;
    const x = Float64Array.from({ length: batch * sizes[0]! }, () => rng.normal());
    const w = Float64Array.from({ length: batch * net.outDim }, () => rng.normal()); // L = Σ w·y
    const loss = (): number => {
      const y = net.forward(x, batch);
      let s = 0;
      for (let i = 0; i < y.length; i++) s += w[i]! * y[i]!;
      return s;
    };
    loss();
    net.zeroGrad();
    const dx = net.backward(w, true)!.slice();
    const analytic = net.grads.slice();
    // Check a sample of parameters for the big net (all of them for the small ones).
    const idx = net.params.length > 2000 ? Array.from({ length: 300 }, () => rng.int(net.params.length)) : Array.from(net.params.keys());
    const sub = Float64Array.from(idx, (i) => net.params[i]!);
    const numeric = new Float64Array(idx.length);
    idx.forEach((p, j) => {
      const p0 = net.params[p]!;
      net.params[p] = p0 + 1e-6;
      const fp = loss();
      net.params[p] = p0 - 1e-6;
      const fm = loss();
      net.params[p] = p0;
      numeric[j] = (fp - fm) / 2e-6;
    });
    assert.ok(sub.length > 0);
    const e = relError(Float64Array.from(idx, (i) => analytic[i]!), numeric);
    assert.ok(e < 1e-6, `param grad rel error ${e} for sizes ${sizes}`);
    const ex = relError(dx, numericGrad(x, loss));
    assert.ok(ex < 1e-6, `input grad rel error ${ex} for sizes ${sizes}`);
  }
});

test("MLP backward accumulates until zeroGrad; batch-1 forward equals the rows of a batched forward", () => {
  const rng = new Rng(4);
  const net = new MLP([4, 8, 2], { rng });
  const x = Float64Array.from({ length: 12 }, () => rng.normal());
  const yAll = net.forward(x, 3).slice();
  for (let i = 0; i < 3; i++) {
    const y = net.forward(x.subarray(i * 4, i * 4 + 4), 1);
    assert.ok(Math.abs(y[0]! - yAll[2 * i]!) < 1e-14 && Math.abs(y[1]! - yAll[2 * i + 1]!) < 1e-14);
  }
  net.forward(x, 3);
  net.zeroGrad();
  net.backward(new Float64Array(6).fill(1));
  const once = net.grads.slice();
  net.backward(new Float64Array(6).fill(1));
  once.forEach((g, i) => assert.ok(Math.abs(net.grads[i]! - 2 * g) < 1e-12));
});

test("MLP snapshot/load/clone are independent copies, and JSON round-trips exactly", () => {
  const rng = new Rng(5);
  const net = new MLP([3, 5, 2], { rng });
  const snap = net.snapshot();
  const twin = net.clone();
  net.params[0] += 1;
  assert.notEqual(twin.params[0], net.params[0]);
  net.load(snap);
  assert.deepEqual(net.params, twin.params);
  const back = MLP.fromJSON(JSON.parse(JSON.stringify(net)));
  assert.deepEqual(back.sizes, net.sizes);
  assert.deepEqual(back.params, net.params);
  assert.throws(() => MLP.fromJSON({ kind: "mlp", activation: "tanh", sizes: [3, 5, 2], params: [1, 2] }), /params has 2 values/);
  assert.throws(() => net.load(new Float64Array(3)), /snapshot has 3 values/);
});

test("orthogonalInit gives orthonormal columns (tall) or rows (wide) times the gain, reproducibly", () => {
  for (const [rows, cols] of [[64, 17], [6, 64], [8, 8]] as const) {
    const w = new Float64Array(rows * cols);
    orthogonalInit(w, rows, cols, 2, new Rng(9));
    const tall = rows >= cols;
    const q = tall ? cols : rows;
    for (let i = 0; i < q; i++) {
      for (let j = 0; j < q; j++) {
        let d = 0;
        for (let t = 0; t < (tall ? rows : cols); t++) d += tall ? w[t * cols + i]! * w[t * cols + j]! : w[i * cols + t]! * w[j * cols + t]!;
        assert.ok(Math.abs(d - (i === j ? 4 : 0)) < 1e-12, `Gram[${i},${j}] = ${d} for ${rows}×${cols}`);
      }
    }
    const w2 = new Float64Array(rows * cols);
    orthogonalInit(w2, rows, cols, 2, new Rng(9));
    assert.deepEqual(w2, w);
  }
});

test("MLP forwardAtHeads / backwardAtHeads: the same bits as forward / backward read at one head per row (one head, mixed heads, two hidden layers, accumulated twice)", () => {
  const rng = new Rng(17);
  for (const sizes of [[17, 32, 9], [5, 16, 16, 7]]) {
    const H = sizes[sizes.length - 1]!, batch = 300;
    const full = new MLP(sizes, { rng, outputGain: 1 }), sparse = full.clone();
    const x = Float64Array.from({ length: batch * sizes[0]! }, () => rng.normal());
    for (const heads of [new Int32Array(batch).fill(3), Int32Array.from({ length: batch }, () => Math.floor(rng.uniform() * H)), Int32Array.from({ length: batch }, (_, r) => Math.min(H - 1, Math.floor(r / 50)))]) {
      full.zeroGrad();
      sparse.zeroGrad();
      for (let rep = 0; rep < 2; rep++) {
        const g = Float64Array.from({ length: batch }, () => rng.normal());
        const y = full.forward(x, batch).slice();
        const ys = sparse.forwardAtHeads(x, batch, heads);
        for (let r = 0; r < batch; r++) assert.ok(Object.is(ys[r], y[r * H + heads[r]!]), `row ${r}: ${ys[r]} vs ${y[r * H + heads[r]!]}`);
        const dOut = new Float64Array(batch * H);
        for (let r = 0; r < batch; r++) dOut[r * H + heads[r]!] = g[r]!;
        full.backward(dOut);
        sparse.backwardAtHeads(g);
        full.grads.forEach((v, i) => assert.ok(Object.is(v, sparse.grads[i]), `[${sizes.join(", ")}] gradient ${i}: ${v} vs ${sparse.grads[i]}`));
      }
    }
  }
  assert.throws(() => new MLP([3, 4, 2]).forwardAtHeads(new Float64Array(6), 2, Int32Array.from([0, 2])), /head 2 of row 1/);
});
