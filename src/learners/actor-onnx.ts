/**
 * The PPO actor (`PpoActorJson`: the learner's or observer's policy) as an ONNX model:
 *
 *   input    obs [N, obsDim]                                              (float32 or float64)
 *   outputs  mean_action [N, actDim] = μ(s̃),  s̃ = clip((obs − mean)/√(var + ε), ±clipObs) (raw obs when obsNorm is null)
 *            log_std [actDim]        = ln σ  (state-independent; a = μ + σ ⊙ z samples the policy)
 *
 * Actions are NOT clipped to the env's bounds (the env clips them, as in training). Graph: the normalisation
 * (Sub, Mul, Clip), the policy MLP (Gemm + Tanh), and an Identity of the log-std initializer.
 *
 * Usage: `writeFileSync("policy.onnx", actorToOnnx(actorJson, "float32"));`
 */
import { InputError } from "../core/errors.ts";
import { MLP } from "../nn/mlp.ts";
import { addObsNorm, OnnxGraph, type OnnxFloat } from "../nn/onnx-model.ts";
import type { PpoActorJson } from "./ppo-config.ts";

/** ε of the actor's observation normalisation (RunningMeanStd.normalize's default, which PPO uses). */
const ACTOR_OBS_EPS = 1e-8;

export const ACTOR_ONNX_INPUT = "obs";
export const ACTOR_ONNX_OUTPUTS = ["mean_action", "log_std"] as const;

/**
 * Validates a parsed actor file: a `PpoActorJson` (what `lfl observe --out` writes) or a `PpoModelJson`
 * (`kind: "ppo"`, what `lfl learn --model` writes; its value network is ignored). Errors name the field.
 */
export function parseActorJson(json: unknown, where = "actor JSON"): PpoActorJson {
  const bad = (msg: string): never => {
    throw new InputError("E_INVALID_JSON", `${where}: ${msg}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return bad("not an object");
  const o = json as Record<string, unknown>;
  if (o["kind"] !== undefined && o["kind"] !== "ppo") bad(`kind must be "ppo" or absent, got ${JSON.stringify(o["kind"])}`);
  const policy = MLP.fromJSON(o["policy"]);
  const D = policy.inDim, A = policy.outDim;
  const numbers = (name: string, v: unknown, len: number, min = -Infinity): number[] => {
    if (!Array.isArray(v) || v.length !== len) return bad(`${name} must be an array of ${len} numbers`);
    v.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isFinite(x) || x < min) bad(`${name}[${i}] is ${JSON.stringify(x)}, not a finite number${min === 0 ? " ≥ 0" : ""}`);
    });
    return v as number[];
  };
  const logStd = numbers("logStd", o["logStd"], A);
  const clipObs = o["clipObs"];
  if (typeof clipObs !== "number" || !(clipObs > 0)) return bad(`clipObs must be a positive number, got ${JSON.stringify(clipObs)}`);
  const raw = o["obsNorm"];
  let obsNorm: PpoActorJson["obsNorm"] = null;
  if (raw !== null && raw !== undefined) {
    if (typeof raw !== "object") return bad("obsNorm must be null or an object {mean, var, count}");
    const n = raw as Record<string, unknown>;
    const count = n["count"];
    if (typeof count !== "number" || !(count > 0)) return bad("obsNorm.count must be a positive number");
    obsNorm = { mean: numbers("obsNorm.mean", n["mean"], D), var: numbers("obsNorm.var", n["var"], D, 0), count };
  }
  return { policy: policy.toJSON(), logStd, obsNorm, clipObs };
}

export function actorToOnnx(actor: PpoActorJson, dtype: OnnxFloat = "float32"): Uint8Array {
  const policy = MLP.fromJSON(parseActorJson(actor).policy);
  const D = policy.inDim, A = policy.outDim;
  const g = new OnnxGraph("lfl_policy", dtype);
  const obs = g.input(ACTOR_ONNX_INPUT, ["batch", D]);
  const x = actor.obsNorm ? addObsNorm(g, obs, actor.obsNorm, actor.clipObs, ACTOR_OBS_EPS) : obs;
  g.output(g.addMlp(x, policy, "policy"), "mean_action", ["batch", A]);
  g.output(g.constant("log_std_value", actor.logStd, [A]), "log_std", [A]);
  return g.toModel({
    docString: "lfl PPO actor: a ~ N(mean_action, exp(log_std)^2); input obs (raw observations); actions unclipped",
    metadata: { kind: "lfl-actor", obsDim: String(D), actDim: String(A), dtype },
  });
}
