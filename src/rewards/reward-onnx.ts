/**
 * The recovered continuous reward (rewards/neural-reward.ts, the JSON `lfl infer` writes for Box spaces) as an
 * ONNX model computing exactly our `RewardFn`:
 *
 *   inputs   obs [N, obsDim], action [N, actDim], next_obs [N, obsDim], terminated [N]   (float32 or float64)
 *   output   reward [N] = scale · (ln N(action; μ_φ(s̃), σ²) + g(s̃) − shift),   s̃ = clip((obs − mean)/√(var + ε), ±clip)
 *
 * Graph: the observation normalisation (Sub, Mul, Clip), the mean MLP (Gemm + Tanh), the log-density
 * −½ Σ_j ((a_j − μ_j)·e^{−ln σ_j})² − Σ_j (ln σ_j + ½ ln 2π) (Sub, Mul, Mul, ReduceSum over axis 1, Mul, Sub), then —
 * for version-2 rewards only — the state term g (Gemm + Tanh, Squeeze), `− shift` and `· scale`. `next_obs` and
 * `terminated` are declared so every consumer calls the reward with the RewardFn signature; this reward form
 * ignores them (as `GaussianLogDensityReward.evaluate` does).
 *
 * Usage: `writeFileSync("reward.onnx", rewardToOnnx(loadRewardModel(JSON.parse(text)), "float32"));`
 */
import { addObsNorm, OnnxGraph, type OnnxFloat } from "../nn/onnx-model.ts";
import { OBS_NORM_EPS, type GaussianLogDensityReward } from "./neural-reward.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The graph's input and output names. */
export const REWARD_ONNX_INPUTS = ["obs", "action", "next_obs", "terminated"] as const;
export const REWARD_ONNX_OUTPUT = "reward";

export function rewardToOnnx(reward: GaussianLogDensityReward, dtype: OnnxFloat = "float32"): Uint8Array {
  const D = reward.obsDim, A = reward.actDim;
  const g = new OnnxGraph("lfl_reward", dtype);
  const obs = g.input("obs", ["batch", D]);
  const action = g.input("action", ["batch", A]);
  g.input("next_obs", ["batch", D]);
  g.input("terminated", ["batch"]);

  const x = addObsNorm(g, obs, reward.norm.stats, reward.norm.clip, OBS_NORM_EPS);
  const mean = g.addMlp(x, reward.net, "mean");
  const logStd = Array.from(reward.gaussian.logStd);
  let norm = 0;
  for (const l of logStd) norm += l + HALF_LOG_2PI;
  const z = g.op("Mul", [g.op("Sub", [action, mean]), g.constant("inv_std", logStd.map((l) => Math.exp(-l)), [A])]);
  const sumSq = g.op("ReduceSum", [g.op("Mul", [z, z]), g.int64Constant("axis1", [1])], { keepdims: 0 });
  let r = g.op("Sub", [g.op("Mul", [sumSq, g.constant("minus_half", [-0.5], [])]), g.constant("log_norm", [norm], [])]);
  if (!reward.plain) {
    if (reward.state) r = g.op("Add", [r, g.op("Squeeze", [g.addMlp(x, reward.state, "state"), g.int64Constant("axis1_squeeze", [1])])]);
    r = g.op("Mul", [g.op("Sub", [r, g.constant("shift", [reward.shift], [])]), g.constant("scale", [reward.scale], [])]);
  }
  g.output(r, REWARD_ONNX_OUTPUT, ["batch"]);
  return g.toModel({
    docString: `lfl recovered reward r(s, a) = ${reward.plain ? "ln N(a; mu(s~), sigma^2)" : "scale * (ln N(a; mu(s~), sigma^2) + g(s~) - shift)"}; inputs obs, action, next_obs, terminated; output reward [batch]`,
    metadata: { kind: "lfl-reward", obsDim: String(D), actDim: String(A), dtype },
  });
}
