/**
 * `lfl export --onnx IN.json --out OUT.onnx [--dtype float32|float64]`: writes a recovered Box reward (the JSON
 * `lfl infer` writes) or a PPO actor (the JSON `lfl observe --out` / `lfl learn --model` write) as an ONNX model
 * that onnxruntime and browser viewers load (docs/interop.md gives the graph's inputs and outputs). The kind is
 * detected from the file: `kind: "lfl-gaussian-log-density-reward"` is a reward; `policy` + `logStd` an actor.
 *
 * Also converts learning histories to and from Minari datasets (data/minari-dataset.ts):
 * `lfl export --history H.npz --to-minari DIR` and `lfl export --from-minari DIR --out H.npz`.
 */
import { readFileSync } from "node:fs";
import { checkOutputPaths, writeFileAtomic } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import { readHistoryColumns, writeHistoryColumns } from "../data/history-file.ts";
import { actorToOnnx, parseActorJson } from "../learners/actor-onnx.ts";
import type { OnnxFloat } from "../nn/onnx-model.ts";
import { NEURAL_REWARD_KIND } from "../rewards/neural-reward.ts";
import { loadRewardModel } from "../rewards/reward-json.ts";
import { rewardToOnnx } from "../rewards/reward-onnx.ts";
import { TABULAR_REWARD_FORMAT } from "../rewards/tabular-reward-file.ts";
import type { Command } from "./command.ts";
import { parseCommandArgs } from "./command.ts";

const USAGE = `lfl export --onnx IN.json --out OUT.onnx [--dtype float32|float64] [--json FILE]
lfl export --history H.npz --to-minari DIR      a learning history as a Minari dataset (DIR/data/)
lfl export --from-minari DIR --out H.npz        a Minari dataset whose episodes record the policy-update
                                                index (attribute 'update') as a learning history

  --onnx FILE         a recovered Box reward (from 'lfl infer') or a PPO actor (from 'lfl observe --out' or
                      'lfl learn --model'); which one is detected from the file
  --out FILE          the ONNX model to write (IR version 8, opset 17)
  --dtype T           element type of every tensor: float32 (default; what most runtimes expect) or float64
                      (our parameters exactly; matches our forward pass to 1e-9)
  --json FILE         also write what was exported (kind, dims, inputs, outputs) as JSON

  Reward graph: inputs obs [N, obsDim], action [N, actDim], next_obs [N, obsDim], terminated [N];
                output reward [N] (our RewardFn, observation normalisation included).
  Actor graph:  input obs [N, obsDim] (raw observations); outputs mean_action [N, actDim], log_std [actDim].
  See docs/interop.md (ONNX graphs, the Minari mapping).`;

export const command: Command = {
  name: "export",
  summary: "write a recovered reward or a policy as ONNX; convert histories to and from Minari datasets",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const { values: v, positionals } = parseCommandArgs("export", argv, {
      onnx: { type: "string" }, out: { type: "string" }, dtype: { type: "string" },
      history: { type: "string" }, "to-minari": { type: "string" }, "from-minari": { type: "string" },
    });
    if (positionals.length > 0) throw new InputError("E_USAGE", `export: unexpected argument '${positionals[0]}' (see 'lfl export --help')`);
    const modes = (["onnx", "to-minari", "from-minari"] as const).filter((m) => v[m] !== undefined);
    if (modes.length !== 1) throw new InputError("E_USAGE", "export: give exactly one of --onnx IN.json, --to-minari DIR (with --history H.npz), --from-minari DIR (with --out H.npz)");
    checkOutputPaths([v.out, v.json], [v.history, v.onnx, v["from-minari"]]); // before any work: no output may destroy an input
    if (v["to-minari"] !== undefined) {
      if (v.history === undefined) throw new InputError("E_USAGE", "export: --to-minari DIR needs --history H.npz");
      const columns = readHistoryColumns(v.history);
      const { writeMinariDataset } = await import("../data/minari-dataset.ts");
      const dataDir = await writeMinariDataset(v["to-minari"], columns);
      console.log(`wrote the Minari dataset ${dataDir}: ${columns.n} steps of ${columns.updates.length} policy updates (episode attribute 'update')`);
      if (v.json !== undefined) writeFileAtomic(v.json, `${JSON.stringify({ in: v.history, out: dataDir, steps: columns.n, updates: columns.updates }, null, 2)}\n`);
      return 0;
    }
    if (v["from-minari"] !== undefined) {
      if (v.out === undefined) throw new InputError("E_USAGE", "export: --from-minari DIR needs --out H.npz");
      const { readMinariDataset } = await import("../data/minari-dataset.ts");
      const columns = await readMinariDataset(v["from-minari"]);
      writeHistoryColumns(v.out, columns);
      console.log(`wrote ${v.out}: ${columns.n} transitions of ${columns.updates.length} policy updates (${columns.updates[0]}–${columns.updates[columns.updates.length - 1]}) from ${v["from-minari"]}`);
      if (v.json !== undefined) writeFileAtomic(v.json, `${JSON.stringify({ in: v["from-minari"], out: v.out, transitions: columns.n, updates: columns.updates }, null, 2)}\n`);
      return 0;
    }
    if (v.onnx === undefined) throw new InputError("E_USAGE", "export: --onnx IN.json is required (the reward or actor JSON to export)");
    if (v.out === undefined) throw new InputError("E_USAGE", "export: --out OUT.onnx is required");
    const dtype = (v.dtype ?? "float32") as OnnxFloat;
    if (dtype !== "float32" && dtype !== "float64") throw new InputError("E_USAGE", `export: --dtype must be float32 or float64, got '${v.dtype}'`);

    let text: string;
    try {
      text = readFileSync(v.onnx, "utf8");
    } catch (e) {
      throw new InputError("E_FILE", `export: cannot read ${v.onnx}: ${(e as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError("E_INVALID_JSON", `${v.onnx}: not valid JSON (${(e as Error).message})`);
    }
    const o = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    let bytes: Uint8Array;
    let summary: Record<string, unknown>;
    if (o["kind"] === NEURAL_REWARD_KIND) {
      const reward = loadRewardModel(raw, v.onnx);
      bytes = rewardToOnnx(reward, dtype);
      summary = {
        kind: "reward", form: reward.plain ? "log-density" : "log-density + state term, shift, scale", obsDim: reward.obsDim, actDim: reward.actDim,
        inputs: [`obs [N, ${reward.obsDim}]`, `action [N, ${reward.actDim}]`, `next_obs [N, ${reward.obsDim}]`, "terminated [N]"], outputs: ["reward [N]"],
      };
    } else if ("policy" in o && "logStd" in o) {
      const actor = parseActorJson(raw, v.onnx);
      bytes = actorToOnnx(actor, dtype);
      const [D, A] = [actor.policy.sizes[0]!, actor.policy.sizes[actor.policy.sizes.length - 1]!];
      summary = { kind: "actor", obsNorm: actor.obsNorm !== null, obsDim: D, actDim: A, inputs: [`obs [N, ${D}]`], outputs: [`mean_action [N, ${A}]`, `log_std [${A}]`] };
    } else if (o["format"] === TABULAR_REWARD_FORMAT) {
      throw new InputError("E_INVALID_REWARD", `${v.onnx}: a tabular reward is a table r(s, a), not a network; export supports Box rewards and PPO actors`);
    } else {
      throw new InputError("E_INVALID_JSON", `${v.onnx}: neither a Box reward (kind "${NEURAL_REWARD_KIND}") nor a PPO actor (fields policy, logStd)`);
    }
    writeFileAtomic(v.out, bytes);
    const full = { ...summary, dtype, in: v.onnx, out: v.out, bytes: bytes.length, irVersion: 8, opset: 17 };
    console.log(`wrote ${v.out}: ${summary["kind"]} (${dtype}, ${bytes.length} bytes); inputs ${(summary["inputs"] as string[]).join(", ")}; outputs ${(summary["outputs"] as string[]).join(", ")}`);
    if (v.json !== undefined) writeFileAtomic(v.json, `${JSON.stringify(full, null, 2)}\n`);
    return 0;
  },
};
