/**
 * `lfl learn`: runs a learner and writes its learning history. Dispatches on the kind of problem: `--env ID`
 * (continuous control, PPO; options declared in learn-env.ts) or `--mdp ...` (tabular learners, learn-mdp.ts).
 * `--help` anywhere prints the options of both branches and does nothing else; giving both or neither of
 * `--env`/`--mdp` is a usage error.
 */
import { InputError } from "../core/errors.ts";
import type { Command } from "./command.ts";
import { LEARN_ENV_OPTIONS } from "./learn-env.ts";
import { LEARN_MDP_USAGE } from "./learn-mdp.ts";
import { helpText } from "./options.ts";

const BRANCHES: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  "--env": async () => (await import("./learn-env.ts")).runLearnEnv,
  "--mdp": async () => (await import("./learn-mdp.ts")).runLearnMdp,
};

const USAGE = [
  helpText("lfl learn --env ID --learner ppo --steps N --out history.npz [options]", "Continuous control (Box spaces): trains PPO and writes its learning history.", [{ title: "options with --env", options: LEARN_ENV_OPTIONS }]),
  "",
  "Tabular MDPs:",
  LEARN_MDP_USAGE,
].join("\n");

export const command: Command = {
  name: "learn",
  summary: "run a learner (--env ID --learner ppo, or --mdp FILE --learner L) and write its learning history (.npz)",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    if (argv.some((a) => a === "--help" || a === "-h")) {
      console.log(USAGE);
      return 0;
    }
    const given = Object.keys(BRANCHES).filter((f) => argv.some((a) => a === f || a.startsWith(`${f}=`)));
    if (given.length !== 1) throw new InputError("E_USAGE", `learn: give ${given.length === 0 ? "one of" : "only one of"} ${Object.keys(BRANCHES).join(", ")} (see 'lfl learn --help')`);
    return (await BRANCHES[given[0]!]!())(argv);
  },
};
