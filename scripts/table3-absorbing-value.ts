/**
 * What Theorem 2 makes an absorbing (terminal) state worth under the reward Table 3's observer trains on.
 *
 * At an absorbing state every action leads to the same place, so Q(s_abs, ·) is constant and the soft
 * improvement leaves π_{k+1}(·|s_abs) at maximum entropy; Theorem 2 then gives r(s_abs, a) = α_model ln π_{k+1}(a|s_abs)
 * (the KL term is 0 there, and the potential of the absorbing state is the reference 0, as Algorithm 1 sets it).
 * For the Gaussian policies PPO learns (unbounded actions, clipped by the env), the maximum-entropy policy is
 * improper and that reward is −∞. With the uniform density on the action box instead it is α_model ln(1/vol).
 * For each committed full-scale Algorithm 1 cell of an env with terminations (Hopper, Ant), this prints that box
 * value after the observer's standardisation r̄ = scale · (r − shift), beside the largest r̄φ any alive (s, a) can
 * get (at a = μφ(s): scale · (−Σ ln σ − (d/2) ln 2π − shift)), and the discounted value of staying there forever.
 *
 *   node --import tsx scripts/table3-absorbing-value.ts [SEEDS]   (default 100-102: the tuning seeds)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Config { alphaModel: number; gamma: number; policyInit?: string; improvementHalfLife?: number }
interface Cell { label: string; revision: string; result?: { reward?: { actDim: number; logStd: number[]; shift?: number; scale?: number; info?: { config?: Config } } } }

const [from, to] = (process.argv[2] ?? "100-102").split("-").map(Number) as [number, number?];
const seeds = new Set(Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i));
const dir = "results/cells/table3";
const rows = new Map<string, { key: [string, number]; text: string }>();
for (const f of readdirSync(dir).sort()) {
  const cell = JSON.parse(readFileSync(join(dir, f), "utf8")) as Cell;
  const m = /^table3\/full\/(Hopper|Ant)-v5\/seed-(\d+)\/algorithm-1$/.exec(cell.label);
  const r = cell.result?.reward;
  if (!m || !seeds.has(Number(m[2])) || !r?.info?.config || r.shift === undefined || r.scale === undefined) continue;
  // Table 3's default Algorithm 1 only (not the warm or recent candidates' cells).
  if (r.info.config.policyInit === "previous" || r.info.config.improvementHalfLife !== undefined) continue;
  const { alphaModel, gamma } = r.info.config;
  const d = r.actDim, box = d * Math.log(2); // Hopper and Ant: actions in [−1, 1]^d
  const absorbing = r.scale * (-alphaModel * box - r.shift);
  const peak = r.scale * (-r.logStd.reduce((s, x) => s + x, 0) - (d / 2) * Math.log(2 * Math.PI) - r.shift);
  // Cells of one (env, seed) recomputed by other code with the same reward bytes are printed once.
  rows.set(`${m[1]} ${m[2]} ${r.shift} ${r.scale}`, { key: [m[1]!, Number(m[2])], text: `| ${m[1]} | ${m[2]} | ${cell.revision.slice(0, 7)} | ${r.shift.toFixed(2)} | ${r.scale.toFixed(3)} | ${absorbing.toFixed(2)} | ${peak.toFixed(2)} | ${((gamma * absorbing) / (1 - gamma)).toFixed(0)} |` });
}
console.log("| env | seed | cell revision | shift (raw r_φ mean on D_K) | scale | r̄ at s_abs, box-uniform π | max over alive (s, a) of r̄φ | γ r̄_abs / (1 − γ) |");
console.log("|---|---|---|---|---|---|---|---|");
const sorted = [...rows.values()].sort((a, b) => a.key[0].localeCompare(b.key[0]) || a.key[1] - b.key[1]);
console.log(sorted.map((r) => r.text).join("\n"));
