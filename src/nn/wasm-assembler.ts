/**
 * A tiny WebAssembly binary writer, just enough for the NN kernels of wasm-kernels.ts: one imported memory,
 * functions with i32/f64/v128 locals, structured control flow, scalar and SIMD (128-bit) arithmetic. The module
 * is generated in memory at run time (no toolchain, no committed binary), so Node and the browser build the
 * same bytes from this source. Encodings follow the WebAssembly core specification (binary format, §5) and
 * the fixed-width SIMD proposal's opcode table (0xFD prefix, LEB128 sub-opcode).
 */

export type ValType = "i32" | "f64" | "v128";
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function f64Bytes(x: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...b];
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];

/** One function body. Locals are numbered after the parameters; every emitter returns `this` for chaining. */
export class FuncBuilder {
  readonly params: readonly ValType[];
  private readonly locals: ValType[] = [];
  private readonly body: number[] = [];

  constructor(params: readonly ValType[]) {
    this.params = params;
  }

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  raw(...bytes: number[]): this {
    for (const b of bytes) this.body.push(b);
    return this;
  }

  get(i: number): this { return this.raw(0x20, ...uleb(i)); }
  set(i: number): this { return this.raw(0x21, ...uleb(i)); }
  tee(i: number): this { return this.raw(0x22, ...uleb(i)); }
  call(f: number): this { return this.raw(0x10, ...uleb(f)); }
  i32(c: number): this { return this.raw(0x41, ...sleb(c)); }
  f64(c: number): this { return this.raw(0x44, ...f64Bytes(c)); }
  i32Add(): this { return this.raw(0x6a); }
  i32Sub(): this { return this.raw(0x6b); }
  i32Mul(): this { return this.raw(0x6c); }
  i32Shl(): this { return this.raw(0x74); }
  i32Eq(): this { return this.raw(0x46); }
  i32LtS(): this { return this.raw(0x48); }
  i32LeS(): this { return this.raw(0x4c); }
  i32GtS(): this { return this.raw(0x4a); }
  f64Add(): this { return this.raw(0xa0); }
  f64Mul(): this { return this.raw(0xa2); }
  /** Loads/stores with a constant byte offset (alignment hint: natural). */
  f64Load(offset = 0): this { return this.raw(0x2b, 3, ...uleb(offset)); }
  f64Store(offset = 0): this { return this.raw(0x39, 3, ...uleb(offset)); }
  v128Load(offset = 0): this { return this.raw(...simd(0x00), 4, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.raw(...simd(0x0b), 4, ...uleb(offset)); }
  /** Loads one f64 and splats it to both lanes. */
  load64Splat(offset = 0): this { return this.raw(...simd(0x0a), 3, ...uleb(offset)); }
  f64x2Splat(): this { return this.raw(...simd(0x14)); }
  f64x2Const(x: number): this { return this.f64(x).f64x2Splat(); }
  f64x2Lt(): this { return this.raw(...simd(0x49)); }
  f64x2Gt(): this { return this.raw(...simd(0x4a)); }
  bitselect(): this { return this.raw(...simd(0x52)); }
  f64x2Floor(): this { return this.raw(...simd(0x75)); }
  i64x2Shl(): this { return this.raw(...simd(0xcb)); }
  f64x2Sqrt(): this { return this.raw(...simd(0xef)); }
  f64x2Add(): this { return this.raw(...simd(0xf0)); }
  f64x2Sub(): this { return this.raw(...simd(0xf1)); }
  f64x2Mul(): this { return this.raw(...simd(0xf2)); }
  f64x2Div(): this { return this.raw(...simd(0xf3)); }

  /** block … end (void). */
  block(inner: () => void): this {
    this.raw(0x02, 0x40);
    inner();
    return this.raw(0x0b);
  }
  /** loop … end (void). */
  loop(inner: () => void): this {
    this.raw(0x03, 0x40);
    inner();
    return this.raw(0x0b);
  }
  /** Pops an i32; runs `then` if non-zero, else `otherwise`. */
  if(then: () => void, otherwise?: () => void): this {
    this.raw(0x04, 0x40);
    then();
    if (otherwise) {
      this.raw(0x05);
      otherwise();
    }
    return this.raw(0x0b);
  }
  br(depth: number): this { return this.raw(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.raw(0x0d, ...uleb(depth)); }

  /**
   * `while (cond) { body }`: `cond` pushes an i32. At the top level of `body`, `br(0)` continues and `br(1)`
   * breaks (one more per block `body` opens around the branch).
   */
  while(cond: () => void, body: () => void): this {
    return this.block(() => {
      this.loop(() => {
        cond();
        this.raw(0x45); // i32.eqz
        this.brIf(1);
        body();
        this.br(0);
      });
    });
  }

  /** The encoded body: local declarations (one run per local) then the code. */
  encode(): number[] {
    const decl: number[] = [...uleb(this.locals.length)];
    for (const t of this.locals) decl.push(1, VALTYPE[t]);
    const code = [...decl, ...this.body, 0x0b];
    return [...uleb(code.length), ...code];
  }
}

/** A module importing one memory as env.memory and exporting every function by name (no results). */
export class ModuleBuilder {
  private readonly funcs: { name: string; fn: FuncBuilder }[] = [];

  /** Declares a function; its index (for `call`) is the declaration order. */
  add(name: string, fn: FuncBuilder): number {
    this.funcs.push({ name, fn });
    return this.funcs.length - 1;
  }

  encode(): Uint8Array {
    const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
    const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
    const name = (s: string): number[] => {
      const b = [...new TextEncoder().encode(s)];
      return [...uleb(b.length), ...b];
    };
    const types = this.funcs.map(({ fn }) => [0x60, ...uleb(fn.params.length), ...fn.params.map((p) => VALTYPE[p]), 0]);
    const imports = [[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]]; // memory, limits min 1, no max
    const bytes = [
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, vec(types)),
      ...section(2, vec(imports)),
      ...section(3, vec(this.funcs.map((_, i) => uleb(i)))),
      ...section(7, vec(this.funcs.map(({ name: n }, i) => [...name(n), 0x00, ...uleb(i)]))),
      ...section(10, vec(this.funcs.map(({ fn }) => fn.encode()))),
    ];
    return Uint8Array.from(bytes);
  }
}
