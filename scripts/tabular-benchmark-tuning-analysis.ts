// Issue 15, fifth pass: the candidate rules of docs/observer-tabular.md §10 scored on the JSON lines written by
// scripts/tabular-benchmark-tuning.ts (TUNING seeds only). A rule maps a run's features (nothing that reads the true
// reward) to the policy played (a candidate's true J) and to whether the run is flagged; the table gives the done-when
// measures of issue 15 for each rule: ≥ last among improvable runs, catastrophes (unflagged), flagged, Q-learning gap
// closed, flag precision / recall, and the mean observer − last by family.
// Run: node --import tsx scripts/tabular-benchmark-tuning-analysis.ts /tmp/t15-tuning.jsonl [nonimproving]
import { readFileSync } from "node:fs";

interface Rec {
  family: string; learner: string; seed: number;
  observer: number; learnerLast: number; learnerBest: number; optimal: number; uniform: number;
  model: string; form: string; formCheck: { disagreement: number; switched: boolean } | null;
  offSupport: number; winFraction: number;
  cand: Record<string, number>;
  hotFlags?: { offSupport: number; winFraction: number };
  feat: { advPaper: number; advSvi: number; advBoot: number[]; advOwn: number };
  updates: { from: number; to: number; dropFraction: number; nonImproving: boolean; trueFrom: number; trueTo: number }[];
}
const recs: Rec[] = readFileSync(process.argv[2] ?? "/tmp/t15-tuning.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l) as Rec);

const scale = (r: Rec): number => Math.max(1e-12, r.optimal - r.uniform);
const d = (r: Rec): number => r.formCheck?.disagreement ?? Number.NaN;
const baseFlag = (r: Rec): boolean => r.offSupport > 0.05 || r.winFraction < 0.5;
const minBoot = (r: Rec): number => Math.min(...r.feat.advBoot);

type Rule = (r: Rec) => { J: number; flagged: boolean };
const rules: [string, Rule][] = [];
const add = (name: string, rule: Rule): void => { rules.push([name, rule]); };

// Flags on the default observer.
add("default, flags OFF-SUPPORT + UNCERTAIN", (r) => ({ J: r.observer, flagged: baseFlag(r) }));
for (const t of [0.3, 0.5, 0.8, 1.0, 1.2, 1.5, 2]) add(`  + ASSUMPTION-CONFLICT d > ${t}`, (r) => ({ J: r.observer, flagged: baseFlag(r) || d(r) > t }));
for (const t of [0, 0.05, 0.1, 0.2, 0.3]) add(`  + SVI reward: plan below π̂_K by > ${t}`, (r) => ({ J: r.observer, flagged: baseFlag(r) || r.feat.advSvi < -t }));
for (const t of [0, 0.05, 0.1, 0.2]) add(`  + r̄φ: plan below π̂_K by > ${t}`, (r) => ({ J: r.observer, flagged: baseFlag(r) || r.feat.advPaper < -t }));
for (const t of [0, 0.05, 0.1]) add(`  + some bootstrap reward: plan below π̂_K by > ${t}`, (r) => ({ J: r.observer, flagged: baseFlag(r) || minBoot(r) < -t }));
for (const [a, b] of [[1.2, 0.1], [1.2, 0.2], [1.0, 0.1], [1.0, 0.2], [1.5, 0.1], [1.5, 0.2], [0.8, 0.2], [1.2, 0.3]] as const) add(`  + d > ${a} or SVI below by > ${b}`, (r) => ({ J: r.observer, flagged: baseFlag(r) || d(r) > a || r.feat.advSvi < -b }));
// Policies.
for (const k of ["piHat03", "piHat005", "piHat001", "mix", "spiStep03", "spiStep07", "paper", "svi"]) add(`always ${k}`, (r) => ({ J: r.cand[k]!, flagged: baseFlag(r) }));
for (const k of ["hot05", "hot07", "hot07beta0", "hot07beta1", "hot07beta2", "hot07paper"]) add(`always ${k}`, (r) => (r.cand[k] === undefined ? { J: Number.NaN, flagged: false } : { J: r.cand[k]!, flagged: r.hotFlags ? r.hotFlags.offSupport > 0.05 || r.hotFlags.winFraction < 0.5 : baseFlag(r) }));
for (const k of ["beta0", "beta025", "beta1", "cold02", "warm0.33", "warm0.35", "warm0.375", "warm04", "warm0.425", "warm0.45", "warm04beta025", "warm04beta1", "imitate03", "imitate1", "imitate3"]) {
  add(`always ${k}`, (r) => ({ J: r.cand[k] ?? Number.NaN, flagged: baseFlag(r) }));
  if (k.startsWith("imitate")) add(`${k} when the form check switched`, (r) => ({ J: r.formCheck?.switched ? r.cand[k] ?? Number.NaN : r.observer, flagged: baseFlag(r) }));
}
for (const k of ["hybrid1", "hybrid5", "hybrid20", "hybrid3b5"]) {
  add(`always ${k}`, (r) => ({ J: r.cand[k] ?? Number.NaN, flagged: baseFlag(r) }));
  add(`${k} when the form check switched`, (r) => ({ J: r.formCheck?.switched ? r.cand[k] ?? Number.NaN : r.observer, flagged: baseFlag(r) }));
  for (const t of [0.5, 1.2]) add(`${k} when d > ${t}`, (r) => ({ J: d(r) > t ? r.cand[k] ?? Number.NaN : r.observer, flagged: baseFlag(r) }));
  add(`${k} when OFF-SUPPORT or UNCERTAIN`, (r) => ({ J: baseFlag(r) ? r.cand[k] ?? Number.NaN : r.observer, flagged: baseFlag(r) }));
  add(`${k} when switched or flagged`, (r) => ({ J: baseFlag(r) || r.formCheck?.switched ? r.cand[k] ?? Number.NaN : r.observer, flagged: baseFlag(r) }));
}
for (const k of ["piHat005", "piHat001", "spiStep03", "mix"]) add(`${k} when flagged (d > 1.2 or SVI below by > 0.2)`, (r) => { const fl = baseFlag(r) || d(r) > 1.2 || r.feat.advSvi < -0.2; return { J: fl ? r.cand[k]! : r.observer, flagged: fl }; });
for (const t of [0, 0.05, 0.1]) for (const k of ["piHat001", "spiStep03", "mix"]) add(`${k} when SVI reward says plan below π̂_K by > ${t}`, (r) => ({ J: r.feat.advSvi < -t ? r.cand[k]! : r.observer, flagged: baseFlag(r) }));
for (const t of [0, 0.05]) for (const k of ["piHat001", "spiStep03"]) add(`${k} when some bootstrap reward says below by > ${t}`, (r) => ({ J: minBoot(r) < -t ? r.cand[k]! : r.observer, flagged: baseFlag(r) }));

const pct = (a: number, b: number): string => `${a}/${b} = ${((100 * a) / Math.max(1, b)).toFixed(0)}%`;
const rows: string[] = ["| rule | ≥ last | cat. (unfl.) | flagged | precision / recall | Q gap | garnet / trap / chain / grid |", "|---|---|---|---|---|---|---|"];
for (const [name, rule] of rules) {
  const o = recs.map((r) => ({ r, ...rule(r) }));
  const improvable = o.filter(({ r }) => (r.optimal - r.learnerLast) / scale(r) > 0.01);
  const cat = o.filter(({ r, J }) => (J - r.learnerLast) / scale(r) < -0.1);
  const flagged = o.filter((x) => x.flagged);
  const q = improvable.filter(({ r }) => r.learner === "q-learning");
  const gap = q.reduce((a, { r, J }) => a + (J - r.learnerLast) / (r.optimal - r.learnerLast), 0) / Math.max(1, q.length);
  const fam = ["garnet", "trap-grid", "chain", "grid5x5"].map((f) => { const xs = o.filter(({ r }) => r.family === f); return (xs.reduce((a, { r, J }) => a + (J - r.learnerLast) / scale(r), 0) / Math.max(1, xs.length)).toFixed(3); });
  const caught = cat.filter((x) => x.flagged).length;
  rows.push(`| ${name} | ${pct(improvable.filter(({ r, J }) => J >= r.learnerLast).length, improvable.length)} | ${cat.length} (${cat.length - caught}) | ${pct(flagged.length, o.length)} | ${flagged.length ? (caught / flagged.length).toFixed(2) : "—"} / ${cat.length ? (caught / cat.length).toFixed(2) : "—"} | ${(100 * gap).toFixed(1)}% | ${fam.join(" / ")} |`);
}
console.log(rows.join("\n"));

if (process.argv[3] === "nonimproving") {
  // NON-IMPROVING: flag an update when it drops under r̂ by > tol·spread and drops in ≥ q of the bootstrap replicates.
  console.log("\n| NON-IMPROVING rule | flags | precision (truly worse) | recall (drops > 1% of J* − J(U)) | recall (any true drop) |\n|---|---|---|---|---|");
  for (const tol of [0, 0.02, 0.05, 0.1]) for (const q of [0.5, 0.75, 1]) {
    let flags = 0, tp = 0, big = 0, bigHit = 0, worse = 0, worseHit = 0;
    for (const r of recs) {
      const Js = r.updates.flatMap((u) => [u.from, u.to]);
      const spread = Math.max(...Js) - Math.min(...Js);
      for (const u of r.updates) {
        const fl = u.to < u.from - tol * spread && (Number.isNaN(u.dropFraction) || u.dropFraction >= q);
        const truly = u.trueTo < u.trueFrom, bigDrop = u.trueFrom - u.trueTo > 0.01 * scale(r);
        if (fl) { flags++; if (truly) tp++; }
        if (truly) { worse++; if (fl) worseHit++; }
        if (bigDrop) { big++; if (fl) bigHit++; }
      }
    }
    console.log(`| drop > ${tol}·spread, in ≥ ${q} of replicates | ${flags} | ${flags ? (tp / flags).toFixed(2) : "—"} | ${bigHit}/${big} | ${worseHit}/${worse} |`);
  }
}
