/** The options of every command that runs an experiment through the engine (reproduce, evaluate), declared once. */
import { join } from "node:path";
import type { OptionSpec } from "../core/option-spec.ts";
import type { Experiment } from "../experiments/engine/experiment.ts";

export const DEFAULT_OUT_DIR = "results";
export const DEFAULT_STORE = join("runs", "store");

const SEED_MAX = 2 ** 31 - 1;

/** The options every experiment takes (its own are added from its declaration). */
export function commonOptions(exp: Experiment): OptionSpec[] {
  return [
    { name: "scale", kind: "enum", arg: "S", choices: exp.scales, defaultText: exp.scales[0], description: "compute scale (docs/reproducing.md)" },
    { name: "quick", kind: "boolean", description: `the CI scale (= --scale ${exp.quickScale})` },
    { name: "seeds", kind: "int-list", arg: "LIST", max: SEED_MAX, description: exp.seeded ? "exactly these seeds, e.g. 0-9 or 0,3,7 (default: the scale's); other seeds get their own output files" : "refused: this experiment is deterministic" },
    { name: "seed", kind: "int", arg: "N", max: SEED_MAX, description: exp.seeded ? "one seed: the same as --seeds N" : "refused: this experiment is deterministic" },
    ...(exp.envIds(exp.scales[0]!).length > 0 ? [{ name: "env", kind: "list", arg: "IDS", description: "only these envs of the scale" } satisfies OptionSpec] : []),
    { name: "out-dir", kind: "string", arg: "DIR", defaultText: DEFAULT_OUT_DIR, description: "where the results set (.json, .md, figures) is written" },
    { name: "json", kind: "string", arg: "FILE", description: "also write the results JSON there" },
    { name: "store", kind: "string", arg: "DIR", defaultText: DEFAULT_STORE, description: "the checkpoint store: finished cells by content key, reused on re-run" },
    { name: "reuse-stale", kind: "boolean", description: "reuse cells computed by other code with the same settings (the results list them as stale)" },
    { name: "finished-only", kind: "boolean", description: "compute nothing: assemble from the stored cells and list the missing ones" },
    { name: "jobs", kind: "int", arg: "N", max: 1024, defaultText: "the machine's cores", description: "run cells on N local worker processes (0 = in this process)" },
    { name: "queue", kind: "string", arg: "URL", description: "redis://HOST:PORT: run cells on `lfl worker` processes of any machine (BullMQ)" },
    { name: "commit-cells", kind: "string", arg: "DIR", description: "also write each finished cell's result as small JSON into DIR (e.g. results/cells) to continue elsewhere" },
  ];
}

