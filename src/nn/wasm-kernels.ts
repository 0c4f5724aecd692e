/**
 * The WebAssembly-SIMD kernel backend (LFL_KERNELS=wasm): for the browser and for machines without the native
 * addon. The module is assembled at run time by wasm-assembler.ts from the generators below — there is no
 * toolchain and no binary artefact — and computes bit-identical results to ts-kernels.ts: every output entry
 * is the same sequential sum over the inner index from 0.0 (the SIMD lanes run over OUTPUT columns, never
 * over the sum), then the bias / +0 / added into C; WebAssembly has no fused multiply-add in its
 * deterministic SIMD set, and tanh uses the same Cody–Waite exp as `expBounded`.
 *
 * Data lives in JS Float64Arrays, so each call copies its operands into the module's memory and the results
 * back (memcpy speed). Where the copies cost more than the arithmetic saves (batch-1 acting, tiny vectors) the
 * TypeScript loops run instead — the same bytes either way.
 */
import { FuncBuilder, ModuleBuilder } from "./wasm-assembler.ts";
import { adamUpdate, gemmABt, INV_LN2, LN2_HI, LN2_LO, sumRows, tanhBackward, tanhRange } from "./ts-kernels.ts";
import type { KernelBackend } from "./kernels.ts";

/** Byte address of 16 zero bytes at the bottom of the module's memory (operands are laid out above it). */
const ZEROS = 0;

/**
 * gemm(m, n, k, a, ars, aps, b, ldb, c, ldc, add, addRow, addCol): C[r, j] = acc + addend(r, j) with
 * acc = Σ_{p<k} A(r, p)·B[p, j] in increasing p from 0.0, A(r, p) = f64 at a + r·ars + p·aps, B[p, j] at
 * b + p·ldb + 8j, C[r, j] at c + r·ldc + 8j, addend(r, j) at add + r·addRow + j·addCol (all byte addresses and
 * strides). The addend gives the three finishes of the TypeScript kernel: the bias (add = bias, addRow = 0,
 * addCol = 8), +0.0 (add = ZEROS, addRow = addCol = 0) or C itself (add = c, addRow = ldc, addCol = 8: C + acc,
 * the same sum as acc + C). Blocks of 4 rows × {4, 2} columns in f64x2 accumulators, then 4 × 1 scalar; the
 * last m mod 4 rows likewise one row at a time.
 */
function gemmFunction(): FuncBuilder {
  const f = new FuncBuilder(Array(13).fill("i32"));
  const [M, N, K, A, ARS, APS, B, LDB, C, LDC, ADD, ADD_ROW, ADD_COL] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
  const r = f.local("i32"), j = f.local("i32"), p = f.local("i32"), ap = f.local("i32"), bp = f.local("i32"), cp = f.local("i32"), dp = f.local("i32");
  const rowOff = [-1, f.local("i32"), f.local("i32"), f.local("i32")];
  const x = f.local("v128");
  const bv = [f.local("v128"), f.local("v128")];
  const acc = Array.from({ length: 8 }, () => f.local("v128"));
  const sb = f.local("f64");
  const sacc = Array.from({ length: 4 }, () => f.local("f64"));
  f.get(ARS).set(rowOff[1]!);
  f.get(ARS).i32(2).i32Mul().set(rowOff[2]!);
  f.get(ARS).i32(3).i32Mul().set(rowOff[3]!);
  /** Pushes the address of row i of the current A column (ap + i·ars). */
  const rowAddr = (i: number): void => {
    f.get(ap);
    if (i > 0) f.get(rowOff[i]!).i32Add();
  };
  /** One block of R rows × (V f64x2 vectors, or one scalar column when V = 0) at (r, j). */
  const block = (R: number, V: number): void => {
    for (let i = 0; i < R; i++) {
      if (V === 0) f.f64(0).set(sacc[i]!);
      for (let v = 0; v < V; v++) f.f64x2Const(0).set(acc[i * 2 + v]!);
    }
    f.get(A).get(r).get(ARS).i32Mul().i32Add().set(ap);
    f.get(B).get(j).i32(3).i32Shl().i32Add().set(bp);
    f.get(K).set(p);
    f.while(() => f.get(p).i32(0).i32GtS(), () => {
      if (V === 0) f.get(bp).f64Load().set(sb);
      for (let v = 0; v < V; v++) f.get(bp).v128Load(16 * v).set(bv[v]!);
      for (let i = 0; i < R; i++) {
        if (V === 0) {
          f.get(sacc[i]!);
          rowAddr(i);
          f.f64Load().get(sb).f64Mul().f64Add().set(sacc[i]!);
        } else {
          rowAddr(i);
          f.load64Splat().set(x);
          for (let v = 0; v < V; v++) f.get(acc[i * 2 + v]!).get(x).get(bv[v]!).f64x2Mul().f64x2Add().set(acc[i * 2 + v]!);
        }
      }
      f.get(ap).get(APS).i32Add().set(ap);
      f.get(bp).get(LDB).i32Add().set(bp);
      f.get(p).i32(1).i32Sub().set(p);
    });
    // Finish: C = acc + addend.
    for (let i = 0; i < R; i++) {
      f.get(C).get(r).i32(i).i32Add().get(LDC).i32Mul().i32Add().get(j).i32(3).i32Shl().i32Add().set(cp);
      f.get(ADD).get(r).i32(i).i32Add().get(ADD_ROW).i32Mul().i32Add().get(j).get(ADD_COL).i32Mul().i32Add().set(dp);
      if (V === 0) f.get(cp).get(sacc[i]!).get(dp).f64Load().f64Add().f64Store();
      for (let v = 0; v < V; v++) {
        f.get(cp).get(acc[i * 2 + v]!).get(dp);
        if (v > 0) f.get(ADD_COL).i32(1).i32Shl().i32Add(); // the next two columns: 2·addCol bytes on
        f.v128Load().f64x2Add().v128Store(16 * v);
      }
    }
  };
  f.i32(0).set(r);
  for (const R of [4, 1]) {
    f.while(() => f.get(r).i32(R).i32Add().get(M).i32LeS(), () => {
      f.i32(0).set(j);
      for (const V of [2, 1, 0]) {
        const cols = V === 0 ? 1 : 2 * V;
        f.while(() => f.get(j).i32(cols).i32Add().get(N).i32LeS(), () => {
          block(R, V);
          f.get(j).i32(cols).i32Add().set(j);
        });
      }
      f.get(r).i32(R).i32Add().set(r);
    });
  }
  return f;
}

/** transpose(src, dst, rows, cols): dst[j·rows + i] = src[i·cols + j] (byte addresses). */
function transposeFunction(): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32", "i32", "i32"]);
  const [SRC, DST, ROWS, COLS] = [0, 1, 2, 3] as const;
  const i = f.local("i32"), j = f.local("i32"), sp = f.local("i32"), dp = f.local("i32");
  f.i32(0).set(i).get(SRC).set(sp);
  f.while(() => f.get(i).get(ROWS).i32LtS(), () => {
    f.get(DST).get(i).i32(3).i32Shl().i32Add().set(dp);
    f.i32(0).set(j);
    f.while(() => f.get(j).get(COLS).i32LtS(), () => {
      f.get(dp).get(sp).f64Load().f64Store();
      f.get(sp).i32(8).i32Add().set(sp);
      f.get(dp).get(ROWS).i32(3).i32Shl().i32Add().set(dp);
      f.get(j).i32(1).i32Add().set(j);
    });
    f.get(i).i32(1).i32Add().set(i);
  });
  return f;
}

/** f64x2 vectors per iteration of the tanh loop: 8 independent chains (16 entries) measured 1.6× faster than 2. */
const TANH_VECTORS = 8;

/**
 * tanh(x, y, pairs): y = 1 − 2/(e^{2v}+1), v = x clamped to [−20, 20], as tanhForward; TANH_VECTORS f64x2
 * vectors per iteration (independent chains for the CPU to overlap: the degree-13 polynomial is a chain of
 * dependent multiply-adds) with the constants splatted once into locals, then one vector at a time for the
 * remaining pairs. Each entry's operations are the same whichever path computes it.
 */
function tanhFunction(): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32", "i32"]);
  const [X, Y, PAIRS] = [0, 1, 2] as const;
  const q = f.local("i32"), xp = f.local("i32"), yp = f.local("i32");
  const coeffs = [1 / 6227020800, 1 / 479001600, 1 / 39916800, 1 / 3628800, 1 / 362880, 1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1];
  const constants = new Map<number, number>();
  for (const c of [20, -20, 2, INV_LN2, 0.5, LN2_HI, LN2_LO, 2 ** 52 + 1023, 1, ...coeffs]) {
    if (!constants.has(c)) {
      const l = f.local("v128");
      f.f64x2Const(c).set(l);
      constants.set(c, l);
    }
  }
  const C = (c: number): number => constants.get(c)!;
  const lanes = Array.from({ length: TANH_VECTORS }, () => ({ v: f.local("v128"), k: f.local("v128"), r: f.local("v128"), p: f.local("v128") }));
  /** tanh of `n` consecutive vectors at xp → yp, their steps interleaved. */
  const body = (n: number): void => {
    const ls = lanes.slice(0, n);
    ls.forEach(({ v }, i) => f.get(xp).v128Load(16 * i).set(v));
    for (const { v } of ls) f.get(C(20)).get(v).get(v).get(C(20)).f64x2Gt().bitselect().set(v); // v > 20 ? 20 : v (NaN stays)
    for (const { v } of ls) f.get(C(-20)).get(v).get(v).get(C(-20)).f64x2Lt().bitselect().set(v);
    for (const { v } of ls) f.get(C(2)).get(v).f64x2Mul().set(v); // the argument 2v
    for (const { v, k } of ls) f.get(v).get(C(INV_LN2)).f64x2Mul().get(C(0.5)).f64x2Add().f64x2Floor().set(k);
    for (const { v, k, r } of ls) f.get(v).get(k).get(C(LN2_HI)).f64x2Mul().f64x2Sub().get(k).get(C(LN2_LO)).f64x2Mul().f64x2Sub().set(r);
    for (const { p } of ls) f.get(C(coeffs[0]!)).set(p);
    for (const c of coeffs.slice(1)) for (const { r, p } of ls) f.get(p).get(r).f64x2Mul().get(C(c)).f64x2Add().set(p);
    // 2^k: k + (2^52 + 1023) holds k + 1023 in its low mantissa bits; shifted left by 52 they are the exponent.
    ls.forEach(({ k, p }, i) => {
      f.get(yp).get(C(1)).get(C(2));
      f.get(p).get(k).get(C(2 ** 52 + 1023)).f64x2Add().i32(52).i64x2Shl().f64x2Mul();
      f.get(C(1)).f64x2Add().f64x2Div().f64x2Sub().v128Store(16 * i);
    });
  };
  f.get(X).set(xp).get(Y).set(yp).i32(0).set(q);
  for (const n of [TANH_VECTORS, 1]) {
    f.while(() => f.get(q).i32(n).i32Add().get(PAIRS).i32LeS(), () => {
      body(n);
      f.get(xp).i32(16 * n).i32Add().set(xp).get(yp).i32(16 * n).i32Add().set(yp).get(q).i32(n).i32Add().set(q);
    });
  }
  return f;
}

/** adam(theta, g, m, v, pairs, stepSize, beta1, beta2, eps, sqrtBc2, 1−beta1, 1−beta2): adamUpdate, two lanes at a time. */
function adamFunction(): FuncBuilder {
  const f = new FuncBuilder(["i32", "i32", "i32", "i32", "i32", "f64", "f64", "f64", "f64", "f64", "f64", "f64"]);
  const [TH, G, MM, VV, PAIRS, STEP, B1, B2, EPS, SQ, C1, C2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
  const q = f.local("i32"), off = f.local("i32"), g = f.local("v128"), mi = f.local("v128"), vi = f.local("v128");
  const splat = [STEP, B1, B2, EPS, SQ, C1, C2].map(() => f.local("v128"));
  [STEP, B1, B2, EPS, SQ, C1, C2].forEach((s, i) => f.get(s).f64x2Splat().set(splat[i]!));
  const [step, b1, b2, eps, sq, c1, c2] = splat as [number, number, number, number, number, number, number];
  f.i32(0).set(q);
  f.while(() => f.get(q).get(PAIRS).i32LtS(), () => {
    f.get(q).i32(4).i32Shl().set(off);
    f.get(G).get(off).i32Add().v128Load().set(g);
    f.get(b1).get(MM).get(off).i32Add().v128Load().f64x2Mul().get(c1).get(g).f64x2Mul().f64x2Add().set(mi);
    f.get(b2).get(VV).get(off).i32Add().v128Load().f64x2Mul().get(c2).get(g).f64x2Mul().get(g).f64x2Mul().f64x2Add().set(vi);
    f.get(MM).get(off).i32Add().get(mi).v128Store();
    f.get(VV).get(off).i32Add().get(vi).v128Store();
    f.get(TH).get(off).i32Add();
    f.get(TH).get(off).i32Add().v128Load();
    f.get(step).get(mi).f64x2Mul().get(vi).f64x2Sqrt().get(sq).f64x2Div().get(eps).f64x2Add().f64x2Div();
    f.f64x2Sub().v128Store();
    f.get(q).i32(1).i32Add().set(q);
  });
  return f;
}

/**
 * The modules' bytes (deterministic: the same source gives the same bytes): [products, transpose and Adam;
 * tanh]. Two modules sharing one memory, so that each stays under the 4 KiB older Chromium compiles
 * synchronously on the main thread.
 */
export function wasmKernelsModules(): Uint8Array[] {
  const main = new ModuleBuilder();
  main.add("gemm", gemmFunction());
  main.add("transpose", transposeFunction());
  main.add("adam", adamFunction());
  const tanh = new ModuleBuilder();
  tanh.add("tanh", tanhFunction());
  return [main.encode(), tanh.encode()];
}

interface WasmExports {
  gemm(m: number, n: number, k: number, a: number, ars: number, aps: number, b: number, ldb: number, c: number, ldc: number, add: number, addRow: number, addCol: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  tanh(x: number, y: number, pairs: number): void;
  adam(theta: number, g: number, m: number, v: number, pairs: number, stepSize: number, beta1: number, beta2: number, eps: number, sqrtBc2: number, c1: number, c2: number): void;
}

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WebAssemblyApi {
  Memory: new (desc: { initial: number }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

/** Below these sizes the TypeScript loops are faster than copy + WASM (measured with `lfl bench nn`). */
const MIN_FORWARD_BATCH = 4;
const MIN_ELEMENTS = 64;

/** n rounded up to even (16-byte alignment of the next operand). */
function padded(n: number): number {
  return n + (n & 1);
}

/** The first n entries of a: a itself when it has exactly n (no view allocated), else a view. */
function prefix(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.subarray(0, n);
}

/** A WASM-SIMD backend (each has its own memory), or null when WebAssembly SIMD is unavailable. */
export function createWasmKernels(): KernelBackend | null {
  const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) return null;
  let exports: WasmExports;
  const memory = new api.Memory({ initial: 16 });
  try {
    exports = Object.assign({}, ...wasmKernelsModules().map((bytes) => new api.Instance(new api.Module(bytes), { env: { memory } }).exports)) as WasmExports;
  } catch {
    return null; // no SIMD support: the module does not validate
  }
  let heap = new Float64Array(memory.buffer);
  /** The heap view with room for `doubles` entries (grown in 64 KiB pages). */
  const reserve = (doubles: number): Float64Array => {
    const need = doubles * 8 - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float64Array(memory.buffer);
    return heap;
  };
  // Operands are laid out one after another from BASE (in doubles, 16-byte aligned, above the ZEROS): each array
  // starts at the previous one's offset + padded(its length). Computed inline, with no array per call, and inputs
  // copied without a subarray view when they are whole arrays: the calls run per minibatch and per env step.
  const BASE = ZEROS / 8 + 2;
  return {
    name: "wasm",
    linearForward(x, w, bias, y, _scratch, batch, inDim, outDim) {
      if (batch < MIN_FORWARD_BATCH) {
        gemmABt(x, w, y, batch, outDim, inDim, bias);
        return;
      }
      const nx = batch * inDim, nw = outDim * inDim, ny = batch * outDim;
      const X = BASE, W = X + padded(nx), WT = W + padded(nw), BI = WT + padded(nw), Y = BI + padded(outDim), end = Y + padded(ny);
      const h = reserve(end);
      h.set(prefix(x, nx), X);
      h.set(prefix(w, nw), W);
      h.set(prefix(bias, outDim), BI);
      exports.transpose(W * 8, WT * 8, outDim, inDim);
      exports.gemm(batch, outDim, inDim, X * 8, inDim * 8, 8, WT * 8, outDim * 8, Y * 8, outDim * 8, BI * 8, 0, 8);
      y.set(h.subarray(Y, Y + ny));
    },
    linearBackward(x, w, dy, dw, db, dx, _scratch, batch, inDim, outDim) {
      const nx = batch * inDim, nw = outDim * inDim, ny = batch * outDim;
      const X = BASE, W = X + padded(nx), DY = W + padded(dx ? nw : 0), DW = DY + padded(ny), DX = DW + padded(nw), end = DX + padded(dx ? nx : 0);
      const h = reserve(end);
      h.set(prefix(x, nx), X);
      h.set(prefix(dy, ny), DY);
      h.set(prefix(dw, nw), DW);
      exports.gemm(outDim, inDim, batch, DY * 8, 8, outDim * 8, X * 8, inDim * 8, DW * 8, inDim * 8, DW * 8, inDim * 8, 8);
      dw.set(h.subarray(DW, DW + nw));
      sumRows(dy, db, batch, outDim, true);
      if (dx) {
        h.set(prefix(w, nw), W);
        exports.gemm(batch, inDim, outDim, DY * 8, outDim * 8, 8, W * 8, inDim * 8, DX * 8, inDim * 8, ZEROS, 0, 0);
        dx.set(h.subarray(DX, DX + nx));
      }
    },
    tanhForward(x, y, n) {
      const even = n - (n & 1);
      if (even >= MIN_ELEMENTS) {
        const X = BASE, Y = X + padded(even), end = Y + padded(even);
        const h = reserve(end);
        h.set(prefix(x, even), X);
        exports.tanh(X * 8, Y * 8, even / 2);
        y.set(h.subarray(Y, Y + even));
        if (even < n) tanhRange(x, y, even, n);
      } else tanhRange(x, y, 0, n);
    },
    tanhBackward, // one multiply-add per entry: copying in and out would cost more than the loop
    adamUpdate(theta, g, m, v, stepSize, beta1, beta2, eps, sqrtBc2) {
      const n = theta.length, even = n - (n & 1);
      if (even < MIN_ELEMENTS) {
        adamUpdate(theta, g, m, v, stepSize, beta1, beta2, eps, sqrtBc2);
        return;
      }
      const T = BASE, G = T + padded(even), Mo = G + padded(even), V = Mo + padded(even), end = V + padded(even);
      const h = reserve(end);
      h.set(prefix(theta, even), T);
      h.set(prefix(g, even), G);
      h.set(prefix(m, even), Mo);
      h.set(prefix(v, even), V);
      exports.adam(T * 8, G * 8, Mo * 8, V * 8, even / 2, stepSize, beta1, beta2, eps, sqrtBc2, 1 - beta1, 1 - beta2);
      theta.set(h.subarray(T, T + even));
      m.set(h.subarray(Mo, Mo + even));
      v.set(h.subarray(V, V + even));
      if (even < n) adamUpdate(theta.subarray(even), g.subarray(even, n), m.subarray(even), v.subarray(even), stepSize, beta1, beta2, eps, sqrtBc2);
    },
  };
}
