/**
 * `lfl learn`: runs a learner and writes its learning history. Dispatches on the kind of problem: `--env ID`
 * (continuous control, PPO) or `--mdp ...` (tabular learners). One line per branch, loaded lazily.
 */
import { InputError } from "../core/errors.ts";
import type { Command } from "./command.ts";
import { LEARN_ENV_USAGE } from "./learn-env.ts";
import { LEARN_MDP_USAGE } from "./learn-mdp.ts";

const BRANCHES: Record<string, { load: () => Promise<{ run: (argv: string[]) => Promise<number>; usage: string }> }> = {
  "--env": { load: async () => { const m = await import("./learn-env.ts"); return { run: m.runLearnEnv, usage: m.LEARN_ENV_USAGE }; } },
  "--mdp": { load: async () => { const m = await import("./learn-mdp.ts"); return { run: m.runLearnMdp, usage: m.LEARN_MDP_USAGE }; } },
};

export const command: Command = {
  name: "learn",
  summary: "run a learner (--env ID --learner ppo, ...) and write its learning history (.npz)",
  usage: [LEARN_ENV_USAGE, LEARN_MDP_USAGE].join("\n\n"),
  async run(argv: string[]): Promise<number> {
    const flag = Object.keys(BRANCHES).find((f) => argv.some((a) => a === f || a.startsWith(`${f}=`)));
    if (flag === undefined) throw new InputError("E_USAGE", `learn: give one of ${Object.keys(BRANCHES).join(", ")} (see 'lfl learn --help')`);
    const branch = await BRANCHES[flag]!.load();
    return branch.run(argv);
  },
};
