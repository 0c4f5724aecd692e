/**
 * Builds ONNX models (onnx/onnx.proto, IR version 8, default-domain opset 17) by hand-encoding the protobuf
 * wire format (core/protobuf-writer.ts): a small graph builder with tensor initializers, nodes and typed
 * inputs/outputs, and `addMlp` which lowers our MLP (nn/mlp.ts: Linear + tanh) to Gemm (transB = 1, since W is
 * [out, in]) and Tanh nodes. Every floating tensor of a graph has one element type: float32 (what most runtimes
 * and browser viewers expect) or float64 (bit-for-bit our parameters).
 *
 * Field numbers used (onnx.proto): ModelProto ir_version 1, producer_name 2, producer_version 3, doc_string 6,
 * graph 7, opset_import 8, metadata_props 14; OperatorSetIdProto domain 1, version 2; GraphProto node 1, name 2,
 * initializer 5, doc_string 10, input 11, output 12; NodeProto input 1, output 2, name 3, op_type 4,
 * attribute 5; AttributeProto name 1, f 2, i 3, s 4, ints 8, type 20; TensorProto dims 1, data_type 2, name 8,
 * raw_data 9 (little-endian); ValueInfoProto name 1, type 2; TypeProto tensor_type 1; TypeProto.Tensor
 * elem_type 1, shape 2; TensorShapeProto dim 1; Dimension dim_value 1, dim_param 2; StringStringEntryProto
 * key 1, value 2. Data types: FLOAT 1, INT64 7, DOUBLE 11.
 *
 * Usage:
 *   const g = new OnnxGraph("policy", "float32");
 *   const x = g.input("obs", ["batch", 11]);
 *   g.output(g.addMlp(x, mlp, "pi"), "mean_action", ["batch", 2]);
 *   writeFileSync("policy.onnx", g.toModel());
 */
import { InputError } from "../core/errors.ts";
import { ProtoWriter } from "../core/protobuf-writer.ts";
import type { MLP } from "./mlp.ts";

export type OnnxFloat = "float32" | "float64";
/** A dimension: a fixed size or a symbolic name (e.g. "batch"). */
export type OnnxDim = number | string;
type AttrValue = number | readonly number[] | string | { float: number };

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;
const DT_FLOAT = 1, DT_INT64 = 7, DT_DOUBLE = 11;
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_INTS = 7;

function valueInfo(name: string, elemType: number, dims: readonly OnnxDim[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) {
    const dim = new ProtoWriter();
    if (typeof d === "number") dim.int64(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensor = new ProtoWriter();
  tensor.int64(1, elemType);
  tensor.message(2, shape);
  const type = new ProtoWriter();
  type.message(1, tensor);
  const vi = new ProtoWriter();
  vi.string(1, name);
  vi.message(2, type);
  return vi;
}

export class OnnxGraph {
  readonly name: string;
  readonly dtype: OnnxFloat;
  private readonly nodes: ProtoWriter[] = [];
  private readonly initializers: ProtoWriter[] = [];
  private readonly inputs: ProtoWriter[] = [];
  private readonly outputs: ProtoWriter[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(name: string, dtype: OnnxFloat) {
    this.name = name;
    this.dtype = dtype;
  }

  private get floatType(): number {
    return this.dtype === "float32" ? DT_FLOAT : DT_DOUBLE;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new InputError("E_INVALID_ARGUMENT", `ONNX graph ${this.name}: the name '${name}' is used twice`);
    this.names.add(name);
    return name;
  }

  /** A fresh value name starting with `prefix`. */
  fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`;
    while (this.names.has(n));
    return this.claim(n);
  }

  /** Declares a graph input of the graph's float type; returns its name. */
  input(name: string, dims: readonly OnnxDim[]): string {
    this.inputs.push(valueInfo(this.claim(name), this.floatType, dims));
    return name;
  }

  /** Declares `value` as the graph output `name` (through an Identity node when the names differ). */
  output(value: string, name: string, dims: readonly OnnxDim[]): string {
    if (value !== name) this.node("Identity", [value], [this.claim(name)]);
    this.outputs.push(valueInfo(name, this.floatType, dims));
    return name;
  }

  /** A float initializer (rounded to float32 in a float32 graph); returns its name. */
  constant(prefix: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new InputError("E_INVALID_ARGUMENT", `ONNX initializer ${prefix}: ${values.length} values for dims [${dims.join(", ")}]`);
    const raw = this.dtype === "float32" ? new Float32Array(Array.from(values)) : new Float64Array(Array.from(values));
    return this.tensor(prefix, this.floatType, new Uint8Array(raw.buffer), dims);
  }

  /** An int64 initializer (e.g. the `axes` input of ReduceSum/Squeeze); returns its name. */
  int64Constant(prefix: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(prefix, DT_INT64, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer), dims);
  }

  private tensor(prefix: string, dataType: number, raw: Uint8Array, dims: readonly number[]): string {
    const name = this.fresh(prefix);
    const t = new ProtoWriter();
    for (const d of dims) t.int64(1, d);
    t.int64(2, dataType);
    t.string(8, name);
    t.bytes(9, raw); // raw_data is little-endian, as typed arrays are on every platform Node runs on
    this.initializers.push(t);
    return name;
  }

  /** Adds a node; `outputs` default to one fresh name. Returns the output names. */
  node(opType: string, inputs: readonly string[], outputs?: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string[] {
    const outs = outputs ? [...outputs] : [this.fresh(opType.toLowerCase())];
    const n = new ProtoWriter();
    for (const i of inputs) n.string(1, i);
    for (const o of outs) n.string(2, o);
    n.string(3, `${opType}_${this.nodes.length}`);
    n.string(4, opType);
    for (const [key, v] of Object.entries(attrs)) {
      const a = new ProtoWriter();
      a.string(1, key);
      if (typeof v === "string") {
        a.string(4, v);
        a.int64(20, ATTR_STRING);
      } else if (typeof v === "number") {
        a.int64(3, v);
        a.int64(20, ATTR_INT);
      } else if (Array.isArray(v)) {
        for (const x of v as readonly number[]) a.int64(8, x);
        a.int64(20, ATTR_INTS);
      } else {
        a.float(2, (v as { float: number }).float);
        a.int64(20, ATTR_FLOAT);
      }
      n.message(5, a);
    }
    this.nodes.push(n);
    return outs;
  }

  /** One-output node helper: returns the output name. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string {
    return this.node(opType, inputs, undefined, attrs)[0]!;
  }

  /** y = MLP(x) for x [batch, mlp.inDim]: Gemm(x, W, b, transB = 1) per layer, Tanh between layers. */
  addMlp(x: string, mlp: MLP, prefix: string): string {
    let h = x;
    mlp.layers.forEach((layer, l) => {
      const w = this.constant(`${prefix}_l${l}_weight`, layer.weight, [layer.outDim, layer.inDim]);
      const b = this.constant(`${prefix}_l${l}_bias`, layer.bias, [layer.outDim]);
      h = this.op("Gemm", [h, w, b], { transB: 1 });
      if (l < mlp.layers.length - 1) h = this.op("Tanh", [h]);
    });
    return h;
  }

  /** The serialised ModelProto. `metadata` becomes metadata_props (string key → string value). */
  toModel(options: { producerVersion?: string; docString?: string; metadata?: Readonly<Record<string, string>> } = {}): Uint8Array {
    const graph = new ProtoWriter();
    for (const n of this.nodes) graph.message(1, n);
    graph.string(2, this.name);
    for (const t of this.initializers) graph.message(5, t);
    for (const i of this.inputs) graph.message(11, i);
    for (const o of this.outputs) graph.message(12, o);
    const opset = new ProtoWriter();
    opset.string(1, "");
    opset.int64(2, ONNX_OPSET);
    const model = new ProtoWriter();
    model.int64(1, ONNX_IR_VERSION);
    model.string(2, "lfl");
    if (options.producerVersion) model.string(3, options.producerVersion);
    if (options.docString) model.string(6, options.docString);
    model.message(7, graph);
    model.message(8, opset);
    for (const [key, value] of Object.entries(options.metadata ?? {})) {
      const kv = new ProtoWriter();
      kv.string(1, key);
      kv.string(2, value);
      model.message(14, kv);
    }
    return model.finish();
  }
}

/**
 * Appends the fixed observation normalisation clip((x − mean)/√(var + ε), ±clip) of nn/running-mean-std.ts:
 * Sub(x, mean) · Mul(1/√(var + ε)) · Clip(−clip, clip). Returns the normalised value's name.
 */
export function addObsNorm(g: OnnxGraph, x: string, stats: { mean: ArrayLike<number>; var: ArrayLike<number> }, clip: number, eps: number): string {
  const d = stats.mean.length;
  const inv = Array.from(stats.var, (v) => 1 / Math.sqrt(v + eps));
  const centred = g.op("Sub", [x, g.constant("obs_mean", stats.mean, [d])]);
  const scaled = g.op("Mul", [centred, g.constant("obs_inv_std", inv, [d])]);
  return g.op("Clip", [scaled, g.constant("obs_clip_low", [-clip], []), g.constant("obs_clip_high", [clip], [])]);
}
