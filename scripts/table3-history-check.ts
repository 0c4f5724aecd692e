/**
 * Is a learner history recomputed by a later run the one an earlier Algorithm 1 cell saw? Refits Algorithm 1's
 * stage (i) (the default settings, the cell's own stream; stages after it skipped) on the history in the store and
 * compares the clone of the last observed update with the committed Algorithm 1 cell's, bit for bit. The clone is a
 * deterministic function of the history and the stream, so equal clones mean the same observed data.
 *
 *   node --import tsx scripts/table3-history-check.ts ENV SEED STORE_DIR LEARNER_KEY ALG1_REVISION WINDOW
 *   e.g. Reacher-v5 0 /work/store 2eaa105b135ec039e53150fcbd6bae69 9e0f4cfc728fa8b1241b469a3d2ca17193fb26e7 10-20
 */
import { join } from "node:path";
import { readHistoryColumns } from "../src/data/history-file.ts";
import { streamSeed } from "../src/experiments/engine/streams.ts";
import { readCommittedCells } from "../src/experiments/sweep/commit-cells.ts";
import type { PpoActorJson } from "../src/learners/ppo.ts";
import { recoverReward } from "../src/observer/algorithm-1/algorithm-1.ts";

const [env, seedS, store, learnerKey, revision, windowS] = process.argv.slice(2);
if (!env || !seedS || !store || !learnerKey || !revision || !windowS) throw new Error("usage: node --import tsx scripts/table3-history-check.ts ENV SEED STORE_DIR LEARNER_KEY ALG1_REVISION FROM-TO");
const seed = Number(seedS), [from, to] = windowS.split("-").map(Number) as [number, number];
const label = `table3/full/${env}/seed-${seed}/algorithm-1`;
const cell = readCommittedCells(join(process.cwd(), "results/cells"), { experiment: "table3" }).find((c) => c.label === label && c.revision === revision);
if (!cell) throw new Error(`no committed cell ${label} at ${revision}`);
const committed = (cell.result as { bcPolicy: PpoActorJson }).bcPolicy;
const columns = readHistoryColumns(join(store, "work", learnerKey, "history.npz"));
const window = Array.from({ length: to - from + 1 }, (_, i) => from + i);
const refit = recoverReward(columns, { updates: window, consistencySteps: 0 }, streamSeed("table3", env, seed, "algorithm-1")).bcPolicy;
const same = JSON.stringify(refit.policy) === JSON.stringify(committed.policy) && JSON.stringify(refit.logStd) === JSON.stringify(committed.logStd);
console.log(`${env} seed ${seed}: the clone refitted on ${learnerKey}'s history ${same ? "EQUALS" : "DIFFERS FROM"} the committed Algorithm 1 cell's (${revision.slice(0, 7)}) bit for bit`);
process.exitCode = same ? 0 : 1;
