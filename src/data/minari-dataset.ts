/**
 * Learning histories as Minari datasets (minari.farama.org, "Dataset Standards"; HDF5 storage), through h5wasm
 * (the HDF5 C library compiled to WebAssembly; its Node build reads and writes host paths directly).
 *
 * Layout written (`<dir>/data/`, what `minari.MinariDataset("<dir>/data")` opens):
 *   metadata.json    total_episodes, total_steps, data_format "hdf5", dataset_id, minari_version,
 *                    observation_space / action_space (Minari's serialised Gymnasium spaces, as JSON strings),
 *                    algorithm_name, and ours: lfl_format_version, lfl_history_meta (HistoryMeta), lfl_updates
 *   main_data.hdf5   one group `episode_<k>` per episode k = 0, 1, …, holding
 *                      observations [T+1, dObs] (float64; int64 [T+1] for Discrete), actions [T, dAct] (int64 [T]),
 *                      rewards [T] float64, terminations / truncations [T] uint8 (0/1), infos (empty group),
 *                    and the attributes id, total_steps and — the LfL part — `update`, the index of the policy
 *                    update that produced the episode (int64), and `lfl_episode`, our episode id.
 *
 * A Minari episode holds ONE policy's steps, so an episode of ours that spans two updates (a rollout boundary)
 * becomes two Minari episodes, each tagged with its update; rows whose obs is not the previous row's next_obs
 * also start a new Minari episode. Reading does the inverse: rows ordered by (update, episode id, Minari index).
 *
 * Reading a foreign dataset: the update index is taken from the episode attribute `update` (or `policy_update`,
 * `policy_version`, `policy_index`); a dataset without it is refused (E_INVALID_HISTORY), since LfL needs to
 * know which policy produced each episode. Box spaces of any shape are flattened; Dict/Tuple/Text are refused.
 *
 * Usage: `await writeMinariDataset("runs/reacher-minari", columns); const back = await readMinariDataset("runs/reacher-minari");`
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import { validateColumns, type HistoryColumns } from "./history-columns.ts";
import type { HistoryMeta, SpaceInfo } from "./learning-history.ts";

export const MINARI_FORMAT_VERSION = 1;
/** Episode attributes read as the policy-update index, in order of preference (`update` is what we write). */
export const MINARI_UPDATE_ATTRS = ["update", "policy_update", "policy_version", "policy_index"] as const;

type H5wasm = typeof import("h5wasm/node").default;
type H5File = InstanceType<H5wasm["File"]>;
type H5Group = InstanceType<H5wasm["Group"]>;
type H5Dataset = InstanceType<H5wasm["Dataset"]>;

/** h5wasm, loaded on first use: its 4 MB module (the HDF5 library as WebAssembly) costs seconds to load under tsx. */
async function loadH5wasm(): Promise<H5wasm> {
  const h5wasm = (await import("h5wasm/node")).default;
  await h5wasm.ready;
  return h5wasm;
}

/** Minari's serialised space (minari/serialization.py), as the JSON string stored in metadata.json. */
function serializeSpace(s: SpaceInfo): string {
  if (s.kind === "discrete") return JSON.stringify({ type: "Discrete", dtype: "int64", start: 0, n: s.n });
  // Python's json module writes and reads the non-standard tokens Infinity / -Infinity; the bounds are unknown here.
  const inf = (sign: string): string => `[${Array.from({ length: s.dim }, () => `${sign}Infinity`).join(", ")}]`;
  return `{"type": "Box", "dtype": "float64", "shape": [${s.dim}], "low": ${inf("-")}, "high": ${inf("")}}`;
}

function parseSpace(raw: unknown, where: string): SpaceInfo {
  const bad = (msg: string): never => {
    throw new InputError("E_INVALID_HISTORY", `${where}: ${msg}`);
  };
  let o: Record<string, unknown>;
  try {
    o = typeof raw === "string" ? JSON.parse(raw.replace(/-?\bInfinity\b|\bNaN\b/g, "null")) : (raw as Record<string, unknown>);
  } catch {
    return bad(`not a serialised space: ${String(raw).slice(0, 80)}`);
  }
  if (typeof o !== "object" || o === null) return bad("missing");
  if (o["type"] === "Box") {
    const shape = o["shape"];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0)) return bad(`Box shape ${JSON.stringify(shape)} is not a list of positive integers`);
    return { kind: "box", dim: (shape as number[]).reduce((a, b) => a * b, 1) };
  }
  if (o["type"] === "Discrete") {
    const n = o["n"], start = o["start"] ?? 0;
    if (!(Number.isInteger(n) && (n as number) > 0)) return bad(`Discrete n ${JSON.stringify(n)} is not a positive integer`);
    if (start !== 0) return bad(`Discrete start ${JSON.stringify(start)} is not supported (only 0)`);
    return { kind: "discrete", dim: 1, n: n as number };
  }
  return bad(`space type ${JSON.stringify(o["type"])} is not supported (Box and Discrete only)`);
}

/** Start row of each Minari episode: a new one at an update or episode change, a flag, or an obs discontinuity. */
function segments(c: HistoryColumns): number[] {
  const d = c.meta.observationSpace.dim;
  const starts: number[] = [];
  for (let i = 0; i < c.n; i++) {
    let start = i === 0 || c.update[i] !== c.update[i - 1] || c.episode[i] !== c.episode[i - 1] || c.terminated[i - 1] === 1 || c.truncated[i - 1] === 1;
    for (let k = 0; !start && k < d; k++) if (c.obs[i * d + k] !== c.nextObs[(i - 1) * d + k]) start = true;
    if (start) starts.push(i);
  }
  return starts;
}

function int64Attr(g: H5Group, name: string, value: number): void {
  g.create_attribute(name, new BigInt64Array([BigInt(value)]), [], "<q");
}

/**
 * Writes `c` as a Minari dataset under `dir` (created; `dir/data` must not hold a dataset yet). The data directory
 * is written under a temporary name and renamed into place, so a reader never sees half a dataset.
 */
export async function writeMinariDataset(dir: string, c: HistoryColumns, options: { datasetId?: string } = {}): Promise<string> {
  validateColumns(c, "numerical");
  const h5wasm = await loadH5wasm();
  const dataDir = resolve(dir, "data");
  if (existsSync(join(dataDir, "metadata.json"))) throw new InputError("E_FILE", `${dataDir}: a Minari dataset is already there (delete it or choose another directory)`);
  const tmp = resolve(dir, `.data.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const dObs = c.meta.observationSpace.dim, dAct = c.meta.actionSpace.dim;
  const discreteObs = c.meta.observationSpace.kind === "discrete", discreteAct = c.meta.actionSpace.kind === "discrete";
  const starts = segments(c);
  let file: H5File | null = null;
  try {
    file = new h5wasm.File(join(tmp, "main_data.hdf5"), "w");
    starts.forEach((s, k) => {
      const end = k + 1 < starts.length ? starts[k + 1]! : c.n, T = end - s;
      const g = file!.create_group(`episode_${k}`);
      int64Attr(g, "id", k);
      int64Attr(g, "total_steps", T);
      int64Attr(g, "update", c.update[s]!);
      int64Attr(g, "lfl_episode", c.episode[s]!);
      const observations = new Float64Array((T + 1) * dObs);
      observations.set(c.obs.subarray(s * dObs, end * dObs));
      observations.set(c.nextObs.subarray((end - 1) * dObs, end * dObs), T * dObs);
      const actions = c.actions.subarray(s * dAct, end * dAct);
      g.create_dataset(discreteObs
        ? { name: "observations", data: BigInt64Array.from(observations, (x) => BigInt(x)), shape: [T + 1] }
        : { name: "observations", data: observations, shape: [T + 1, dObs] });
      g.create_dataset(discreteAct
        ? { name: "actions", data: BigInt64Array.from(actions, (x) => BigInt(x)), shape: [T] }
        : { name: "actions", data: actions.slice(), shape: [T, dAct] });
      g.create_dataset({ name: "rewards", data: c.rewards.slice(s, end), shape: [T] });
      g.create_dataset({ name: "terminations", data: c.terminated.slice(s, end), shape: [T], dtype: "<B" });
      g.create_dataset({ name: "truncations", data: c.truncated.slice(s, end), shape: [T], dtype: "<B" });
      g.create_group("infos");
    });
    file.close();
    file = null;
    const envName = c.meta.envId.replace(/\W+/g, "_") || "env";
    const metadata = {
      total_episodes: starts.length, total_steps: c.n, data_format: "hdf5",
      dataset_id: options.datasetId ?? `${envName}-lfl-history-v0`, minari_version: ">=0.5.0",
      observation_space: serializeSpace(c.meta.observationSpace), action_space: serializeSpace(c.meta.actionSpace),
      algorithm_name: c.meta.learner,
      lfl_format_version: MINARI_FORMAT_VERSION, lfl_history_meta: c.meta, lfl_updates: [...c.updates],
    };
    writeFileSync(join(tmp, "metadata.json"), `${JSON.stringify(metadata, null, 1)}\n`);
    mkdirSync(resolve(dir), { recursive: true });
    renameSync(tmp, dataDir);
  } catch (e) {
    file?.close();
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof InputError) throw e;
    throw new InputError("E_FILE", `cannot write the Minari dataset ${dataDir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return dataDir;
}

function numbers(ds: H5Dataset, where: string): Float64Array {
  const v = ds.value;
  if (ds.metadata.type !== 0 && ds.metadata.type !== 1 && ds.metadata.type !== 8) throw new InputError("E_INVALID_HISTORY", `${where} is not numeric (HDF5 type class ${ds.metadata.type})`);
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, (x) => Number(x));
  if (ArrayBuffer.isView(v)) return Float64Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return Float64Array.of(Number(v));
  throw new InputError("E_INVALID_HISTORY", `${where} is not a numeric array`);
}

/** Reads a Minari dataset (`dir`, or `dir/data`) whose episodes record the policy-update index. */
export async function readMinariDataset(dir: string): Promise<HistoryColumns> {
  const dataDir = existsSync(join(dir, "metadata.json")) ? resolve(dir) : resolve(dir, "data");
  const metaPath = join(dataDir, "metadata.json"), h5Path = join(dataDir, "main_data.hdf5");
  let md: Record<string, unknown>;
  try {
    md = JSON.parse(readFileSync(metaPath, "utf8").replace(/-?\bInfinity\b|\bNaN\b/g, "null"));
  } catch (e) {
    throw new InputError("E_INVALID_HISTORY", `${dir}: not a Minari dataset (cannot read ${metaPath}: ${(e as Error).message.split("\n")[0]})`);
  }
  if (md["data_format"] !== undefined && md["data_format"] !== "hdf5") throw new InputError("E_INVALID_HISTORY", `${metaPath}: data_format ${JSON.stringify(md["data_format"])} is not supported (hdf5 only)`);
  if (!existsSync(h5Path)) throw new InputError("E_INVALID_HISTORY", `${dataDir}: main_data.hdf5 is missing`);
  const stored = md["lfl_history_meta"] as HistoryMeta | undefined;
  const observationSpace = stored?.observationSpace ?? parseSpace(md["observation_space"], `${metaPath}: observation_space`);
  const actionSpace = stored?.actionSpace ?? parseSpace(md["action_space"], `${metaPath}: action_space`);
  let envId = String(md["dataset_id"] ?? "minari");
  if (typeof md["env_spec"] === "string") {
    try {
      envId = String(JSON.parse(md["env_spec"])["id"] ?? envId);
    } catch { /* keep the dataset id */ }
  }
  const meta: HistoryMeta = stored ?? {
    envId, learner: typeof md["algorithm_name"] === "string" ? md["algorithm_name"] : "unknown (Minari dataset)",
    observationSpace, actionSpace,
    extra: { minari: { dataset_id: md["dataset_id"], minari_version: md["minari_version"] } },
  };
  const dObs = observationSpace.dim, dAct = actionSpace.dim;

  const h5wasm = await loadH5wasm();
  interface Ep { k: number; update: number; episode: number; T: number; obs: Float64Array; act: Float64Array; rew: Float64Array; term: Float64Array; trunc: Float64Array }
  const episodes: Ep[] = [];
  let file: H5File;
  try {
    file = new h5wasm.File(h5Path, "r");
  } catch (e) {
    throw new InputError("E_INVALID_HISTORY", `${h5Path}: not a readable HDF5 file (${String(e).split("\n")[0]})`);
  }
  try {
    for (const name of file.keys()) {
      const m = /^episode_(\d+)$/.exec(name);
      if (!m) continue;
      const where = `${h5Path}: ${name}`;
      const g = file.get(name);
      if (!(g instanceof h5wasm.Group)) throw new InputError("E_INVALID_HISTORY", `${where} is not a group`);
      const attrs = g.attrs;
      const key = MINARI_UPDATE_ATTRS.find((a) => a in attrs);
      if (key === undefined) {
        throw new InputError("E_INVALID_HISTORY", `${where} records no policy-update index (episode attribute ${MINARI_UPDATE_ATTRS.map((a) => `'${a}'`).join(" / ")}); LfL needs to know which policy produced each episode`);
      }
      const update = Number(attrs[key]!.value), k = Number(m[1]);
      const episode = "lfl_episode" in attrs ? Number(attrs["lfl_episode"]!.value) : k;
      const get = (field: string): Float64Array => {
        const ds = g.get(field);
        if (!(ds instanceof h5wasm.Dataset)) throw new InputError("E_INVALID_HISTORY", `${where}/${field} is missing or not a dataset (Dict/Tuple spaces are not supported)`);
        return numbers(ds, `${where}/${field}`);
      };
      const rew = get("rewards"), T = rew.length;
      const obs = get("observations"), act = get("actions"), term = get("terminations"), trunc = get("truncations");
      const sizes: Array<[string, number, number]> = [["observations", obs.length, (T + 1) * dObs], ["actions", act.length, T * dAct], ["terminations", term.length, T], ["truncations", trunc.length, T]];
      for (const [f, got, want] of sizes) if (got !== want) throw new InputError("E_INVALID_HISTORY", `${where}/${f} has ${got} values, expected ${want} (T = ${T} steps)`);
      episodes.push({ k, update, episode, T, obs, act, rew, term, trunc });
    }
  } finally {
    file.close();
  }
  if (episodes.length === 0) throw new InputError("E_INVALID_HISTORY", `${h5Path}: no episode_<k> groups`);
  episodes.sort((a, b) => a.update - b.update || a.episode - b.episode || a.k - b.k);

  const n = episodes.reduce((s, e) => s + e.T, 0);
  const c = {
    obs: new Float64Array(n * dObs), nextObs: new Float64Array(n * dObs), actions: new Float64Array(n * dAct), rewards: new Float64Array(n),
    terminated: new Uint8Array(n), truncated: new Uint8Array(n), update: new Float64Array(n), episode: new Float64Array(n),
  };
  let row = 0;
  for (const e of episodes) {
    c.obs.set(e.obs.subarray(0, e.T * dObs), row * dObs);
    c.nextObs.set(e.obs.subarray(dObs), row * dObs);
    c.actions.set(e.act, row * dAct);
    c.rewards.set(e.rew, row);
    for (let t = 0; t < e.T; t++) {
      c.terminated[row + t] = e.term[t] !== 0 ? 1 : 0;
      c.truncated[row + t] = e.trunc[t] !== 0 ? 1 : 0;
    }
    c.update.fill(e.update, row, row + e.T);
    c.episode.fill(e.episode, row, row + e.T);
    row += e.T;
  }
  const seen = [...new Set(episodes.map((e) => e.update))];
  const listed = Array.isArray(md["lfl_updates"]) ? (md["lfl_updates"] as number[]) : [];
  const updates = [...new Set([...listed, ...seen])].sort((a, b) => a - b);
  const columns: HistoryColumns = { meta, updates, n, ...c };
  validateColumns(columns);
  return columns;
}
