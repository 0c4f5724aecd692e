/** Control: behaviour cloning of the last observed update, as it is (the observer's start, no RL). */
import type { DerivedMethod } from "./method.ts";

export const bc: DerivedMethod = {
  id: "bc", label: "BC (last update)", kind: "derived", from: "clone",
  description: "BC: the clone π̂K of the last observed update alone (the observer's start, no RL)",
};
