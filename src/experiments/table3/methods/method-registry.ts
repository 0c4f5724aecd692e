/** The Table 3 methods in column order. Adding a method: one file in this folder and one line here. */
import { airl } from "./airl.ts";
import { airlAll } from "./airl-all.ts";
import { bc } from "./bc.ts";
import { bcReward } from "./bc-reward.ts";
import { bcRewardStandardised } from "./bc-reward-standardised.ts";
import { constant } from "./constant.ts";
import { continued } from "./continued.ts";
import { drex } from "./drex.ts";
import { extrapolatedH1 } from "./extrapolated-h1.ts";
import { extrapolatedH2 } from "./extrapolated-h2.ts";
import { logel } from "./logel.ts";
import type { Table3Method } from "./method.ts";
import { observer } from "./observer.ts";
import { observerRandomStart } from "./observer-random-start.ts";
import { trex } from "./trex.ts";
import { trueReward } from "./true-reward.ts";

export const TABLE3_METHODS: readonly Table3Method[] = [
  observer,
  bc,
  continued,
  trueReward,
  constant,
  bcReward,
  bcRewardStandardised,
  observerRandomStart,
  trex,
  drex,
  airl,
  airlAll,
  logel,
];

/**
 * Candidates tried for issue 14 and not adopted (docs/table3.md says why, with their tuning numbers): they run only
 * when named with `--methods`, so the default table and its committed cells stay as they were.
 */
export const TABLE3_CANDIDATES: readonly Table3Method[] = [extrapolatedH1, extrapolatedH2];

/** Every method a request may name: the table's, then the candidates. */
export const KNOWN_TABLE3_METHODS: readonly Table3Method[] = [...TABLE3_METHODS, ...TABLE3_CANDIDATES];

/** The method the others are compared with. */
export const OBSERVER_ID = observer.id;
