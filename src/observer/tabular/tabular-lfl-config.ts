/**
 * The tabular observer's settings (tabular-lfl.ts): one interface and the ONE set of defaults that
 * `inferTabularReward`, `lfl infer`, Table 2 and the tabular benchmark all start from. Each field says what it
 * does and where its value was measured (docs/observer-tabular.md).
 */
import type { RewardForm } from "./learner-model-selection.ts";

export interface TabularLflConfig {
  /** α_model: the entropy weight the observer assumes the learner's soft improvements use (paper: 0.7). */
  alphaModel: number;
  /** λ: entropy bonus of the per-update policy maximum likelihood (docs/learners-tabular.md for the measured choice). */
  lambda: number;
  /**
   * > 0: the observer's π̂_k (and the bootstrap's) use a per-STATE entropy bonus of this strength instead of λ per
   * observed action (tabular-policy-estimation.ts), so π̂_k sharpens as a state's visits grow; the paper's SPI
   * observer (`paperReward`) keeps λ. 0 = off (the paper's per-action λ).
   */
  lambdaPerState: number;
  /**
   * A non-improving flag needs J(π̂_{k+1}) < J(π̂_k) − tolerance·(max_j J(π̂_j) − min_j J(π̂_j)) under the recovered
   * reward: a drop larger than this fraction of the spread over the whole history (smaller drops are sampling noise).
   */
  nonImprovingTolerance: number;
  /** Learner-update model: the paper's "spi", "svi", "td", or "auto" (chosen from the data by cross-validation). */
  learnerModel: "spi" | "svi" | "td" | "auto";
  /**
   * How "auto" picks the learner MODEL: "cv" with the reward form by cross-validation, or "margin" — the first
   * pass's rule (SPI unless SVI's state–action likelihood is better by `selectionMargin` nats per action), the
   * reward form still by cross-validation.
   */
  modelSelection: "cv" | "margin";
  /** The first pass's margin (0.075 nats per action, tuned on the paper's grid). */
  selectionMargin: number;
  /** Held-out updates of the cross-validated choice of assumptions, and L-BFGS iterations per fold fit. */
  cvFolds: number;
  cvIterations: number;
  /** Step sizes η tried by the "td" model. */
  tdSteps: readonly number[];
  /** L-BFGS iterations of the svi / td maximum-likelihood fits, and of the spi fit that only scores SPI. */
  mlIterations: number;
  spiScoreIterations: number;
  /** Pessimistic reward prior of the svi / td fits, in observed actions (learner-model-selection.ts); 0 = none. */
  priorVisits: number;
  /** "state": refit the chosen learner model with a state-only reward ρ(s); "state-action": keep r(s,a); "auto": chosen from the data. */
  rewardForm: RewardForm | "auto";
  /** L-BFGS iterations of the state-only refit. */
  stateIterations: number;
  /** β of the planning lower confidence bound r̂ − β/√(n + 1) (in units of the recovered reward); 0 = none. */
  pessimism: number;
  /**
   * Planning within the data's support: in a state where some action was observed at least this many times, an
   * action observed fewer times gets the state's lowest well-supported reward minus `supportPenalty`; 0 = off.
   */
  supportVisits: number;
  supportPenalty: number;
  /** Bootstrap replicates over the observed pairs (uncertainty of the reward, flags); 0 = none. */
  bootstrap: number;
  /**
   * Also bootstrap a reward planned on the TD model (its replicates refit the TD learner), so UNCERTAIN and the
   * bootstrap's NON-IMPROVING test can fire on TD runs. On since docs/observer-tabular.md §13 (pre-registered; evaluation
   * seeds 0–29: unflagged catastrophes 13 → 12, flagged 38 → 39 of 480; the observer's policy is unchanged).
   */
  bootstrapTd: boolean;
  /** L-BFGS iterations of each bootstrap refit (warm-started at the fit). */
  bootstrapIterations: number;
  /** Seed of the bootstrap resampling (inference stays a pure function of history, spec, config). */
  bootstrapSeed: number;
  /**
   * Robust choice over the assumption ensemble: every candidate assumption is fitted on all data, and the reward
   * returned is the candidate whose planned policy (P̂, α = 0.3) has the largest WORST-CASE normalised advantage over
   * π̂_K under the candidates' rewards (ensemble.ts). false: the cross-validated choice alone.
   */
  robust: boolean;
  /**
   * Check of the state-only form under the SPI model (form-check.ts; ours, not the paper's): when the policy planned
   * on the state-only reward loses more than this fraction of (optimal − uniform) under the paper's state–action
   * reward r̄φ (α = 0.3; under the true dynamics when `spec` is the TabularMdp itself, else P̂), r̄φ is used instead. Applies only when the form is chosen from the data
   * (`rewardForm: "auto"`); 0 = off. 0.5 since the reward is recovered under the known dynamics (0.25 was tuned
   * under P̂; docs/observer-tabular.md §11).
   */
  formCheck: number;
  /**
   * A second condition on the state-form check's switch (form-check.ts; docs/observer-tabular.md §17): switch to r̄φ
   * only if its plan's state occupancy is at most this many times as far (total variation) from π̂_K's as the state
   * plan's; 0 = no condition. 2 since §17 (tuning seeds 100–129: catastrophes 19 → 15 with the runs ≥ last unchanged;
   * adopted on seeds 0–9 and fresh seeds 130–159 under the rule stated before they ran).
   */
  formCheckShift: number;
  /**
   * The planning reward is multiplied by this factor, so that the observer, planning at α on it, plans on the
   * recovered reward at α / planningScale (ours, not the paper's: the paper plans at α = 0.3 on r̄φ). Theorem 2 is
   * linear in α_model, so with exact policies r̂ ≈ (α_model/α)·r + shaping and 0.3/0.7 would undo the scale exactly
   * (§1); with the λ-smoothed π̂_k the recovered scale is smaller, and 0.3/0.7 plans too hot (catastrophes 31 → 122
   * on tuning seeds 100–129). 0.8 (plan at 1.25 α) was chosen on those seeds (docs/observer-tabular.md §10.1:
   * observer ≥ learner's last 200 → 225 of 323 improvable runs). 1 = the paper's temperature.
   */
  planningScale: number;
  /**
   * The planning scale for a reward the TD gate handed over when the data also show, out of sample, that the learner
   * is TD-like: its forward-chaining held-out advantage over SPI and SVI (td-gate.ts's held-out test) is above
   * `tdGateZ` standard errors. 0 = none (every reward × planningScale). docs/observer-tabular.md §15: on tuning seeds
   * the TD model's rewards of Q-learning histories are planned best at 2–2.5 α (scale 0.4–0.5), while those of
   * random-improvement histories, where the gate also opens on in-sample evidence, need 0.8 or colder. 0.5 (with
   * tdPlanningCoverage 0.5) since §15's confirmation on fresh seeds 60–89: ≥ last 242 → 259 of 320, unflagged
   * catastrophes 14 → 14.
   */
  tdPlanningScale: number;
  /**
   * With `tdPlanningScale`: plan hotter only when the last batch also shows at most this fraction of the state–action
   * pairs (1 = no limit). §15: on tuning seeds the Q-learning histories whose held-out TD test passes show 15–65% of
   * the pairs (all but two ≤ 50%), the random-improvement ones that pass it 47–97%.
   */
  tdPlanningCoverage: number;
  /**
   * The dynamics the observer's reward is recovered under: "known" (default) — the MDP's own P when `spec` is the
   * TabularMdp (Theorem 2's setting, §4.2: "knowing … the whole model (the dynamics P …)"; `lfl infer --mdp`, Table 2
   * and the benchmark), else P̂; "estimated" — always P̂ from the observed transitions (a pair never observed gets a
   * uniform next state, so an unvisited absorbing trap looks like a teleporter). The paper's observer (`paperReward`)
   * and the bootstrap replicates always use P̂ (§6.3: "estimated policies and dynamics"). docs/observer-tabular.md §11.
   */
  dynamics: "estimated" | "known";
  /**
   * The reward of the SPI model with a state–action reward: "theorem2" — the paper's least-squares fit r̄φ of the
   * Theorem-2 targets built from the λ-smoothed π̂_k; "likelihood" — the SPI learner simulated from U(A) and fitted
   * by maximum likelihood of the observed actions (spi-simulation.ts; started at r̄φ; no π̂ enters).
   */
  spiFit: "theorem2" | "likelihood";
  /** The reward form's rule (modelSelection "margin"): the state form is kept unless the state–action form predicts the held-out actions better by more than formSe standard errors. */
  formSe: number;
  /**
   * The TD gate (td-gate.ts; with `learnerModel: "auto"` and a reward form that allows r(s, a)): plan on the TD model's reward when its in-sample
   * log-likelihood per action beats SPI's and SVI's by more than `tdGateMargin` nats and the last batch shows more
   * than `tdGateCoverage` of the pairs (docs/observer-tabular.md §12: chosen on tuning seeds 100–129, adopted by its
   * pre-registered rule on evaluation seeds 0–9 and 0–29). false: never.
   */
  tdGate: boolean;
  /** "in-sample" (§12: the likelihood advantage on all data > tdGateMargin nats) or "held-out" (§13: the forward-chaining held-out advantage > tdGateZ standard errors; cvFolds, cvIterations) or "both" (§14: both tests). */
  tdGateRule: "in-sample" | "held-out" | "both";
  tdGateZ: number;
  tdGateMargin: number;
  tdGateCoverage: number;
}

/** The ONE set of defaults: `inferTabularReward(h, spec, {})`, `lfl infer`, Table 2 and the tabular benchmark all start here. */
export const TABULAR_LFL_DEFAULTS: TabularLflConfig = { alphaModel: 0.7, lambda: 0.3, lambdaPerState: 0, nonImprovingTolerance: 0.05, learnerModel: "auto", modelSelection: "margin", selectionMargin: 0.075, cvFolds: 3, cvIterations: 40, tdSteps: [0.1, 0.2, 0.5], mlIterations: 150, spiScoreIterations: 50, priorVisits: 0, rewardForm: "auto", stateIterations: 50, pessimism: 0.5, supportVisits: 0, supportPenalty: 0, bootstrap: 4, bootstrapTd: true, bootstrapIterations: 20, bootstrapSeed: 0, robust: false, formCheck: 0.5, formCheckShift: 2, planningScale: 0.8, tdPlanningScale: 0.5, tdPlanningCoverage: 0.5, dynamics: "known", spiFit: "theorem2", formSe: 1, tdGate: true, tdGateRule: "in-sample", tdGateZ: 1, tdGateMargin: 0.005, tdGateCoverage: 0.15 };
