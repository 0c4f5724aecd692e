/**
 * `lfl dashboard [--port P] [--results DIR] [--runs DIR] [--host H]`: serves the browser dashboard (results,
 * tabular LfL live, MuJoCo replay, live runs) on 127.0.0.1. The app is built by `npm ci` (package.json
 * "prepare") into dashboard/dist, or here at start when dist is missing or older than its sources.
 * Server: dashboard-server.ts.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError, LflError } from "../core/errors.ts";
import { packageRoot } from "../envs/mujoco/mujoco-runtime.ts";
import type { Command } from "./command.ts";
import { intFlag, parseCommandArgs } from "./command.ts";
import { isLoopbackHost, startDashboardServer } from "./dashboard-server.ts";

export const DEFAULT_DASHBOARD_PORT = 8765;

const USAGE = `lfl dashboard [--port P] [--results DIR] [--runs DIR] [--host H]

  Serves the dashboard: every results JSON as tables and plots, tabular LfL live in the browser, MuJoCo
  learning histories replayed in 3-D, and live progress of running experiments.

  --port P        port (default ${DEFAULT_DASHBOARD_PORT}; 0 = any free port)
  --results DIR   results directory to serve (default ./results)
  --runs DIR      runs directory; progress files are read from DIR/progress/*.json (default ./runs)
  --host H        address to bind (default 127.0.0.1). Anything but loopback exposes your results to the
                  network: only with this flag, and a warning is printed.
  --rebuild       rebuild the web app (dashboard/dist) before serving
  --no-build      serve dashboard/dist as it is (no build, even when missing or older than its sources)

  Only the built app and the files of the results directory are served (docs/dashboard.md: security model).`;

/** The newest modification time (ms) of the app's sources: dashboard/ (but dist), src/, assets/mujoco/. */
export function newestSourceTime(root: string): number {
  let newest = 0;
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith(".") || name === "dist" || name === "node_modules") continue;
      const p = join(dir, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (depth < 8) walk(p, depth + 1);
      } else if (!name.endsWith(".test.ts")) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of ["dashboard", "src", join("assets", "mujoco")]) walk(join(root, d), 0);
  return newest;
}

/**
 * dashboard/dist of this package, built with Vite if missing, older than its sources, or `force`. Without Vite
 * (a production install) an existing dist is served as it is. Returns the dist folder.
 */
export async function ensureDashboardBuilt(force = false, log: (s: string) => void = console.log): Promise<string> {
  const root = packageRoot();
  const dist = join(root, "dashboard", "dist");
  const index = join(dist, "index.html");
  const built = existsSync(index);
  const stale = built && statSync(index).mtimeMs < newestSourceTime(root);
  if (built && !stale && !force) return dist;
  let vite: typeof import("vite");
  try {
    vite = await import("vite");
  } catch (e) {
    if (built) return dist;
    throw new LflError("E_FILE", `dashboard/dist is missing and Vite (a devDependency) is not installed to build it: run 'npm ci' in ${root}`, { cause: e });
  }
  log(`lfl: building the dashboard (dashboard/dist${stale ? ", older than its sources" : ""}) with Vite …`);
  await vite.build({ configFile: join(root, "dashboard", "vite.config.ts"), logLevel: "warn" });
  if (!existsSync(index)) throw new LflError("E_FILE", `the dashboard build did not produce ${index}`);
  return dist;
}

export const command: Command = {
  name: "dashboard",
  summary: "browser dashboard: results, tabular LfL live, MuJoCo replay, live runs (127.0.0.1 only)",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const { values: v, positionals } = parseCommandArgs("dashboard", argv, {
      port: { type: "string" }, results: { type: "string" }, runs: { type: "string" }, host: { type: "string" }, rebuild: { type: "boolean" }, "no-build": { type: "boolean" },
    });
    if (positionals.length > 0) throw new InputError("E_USAGE", `dashboard: unexpected argument '${positionals[0]}' (see 'lfl dashboard --help')`);
    const port = intFlag("port", v.port, DEFAULT_DASHBOARD_PORT, 0);
    if (port > 65535) throw new InputError("E_USAGE", `--port must be ≤ 65535, got ${port}`);
    const host = v.host ?? "127.0.0.1";
    if (host.length === 0) throw new InputError("E_USAGE", "--host must not be empty");
    const resultsDir = resolve(v.results ?? "results");
    if (!existsSync(resultsDir)) throw new InputError("E_FILE", `--results ${resultsDir} does not exist`);
    const runsDir = resolve(v.runs ?? "runs");
    if (!isLoopbackHost(host)) {
      console.warn(`lfl: WARNING: binding to ${host}, not loopback: anyone who can reach this address can read ${resultsDir} and the dashboard. There is no authentication.`);
    }
    const appDir = v["no-build"] ? join(packageRoot(), "dashboard", "dist") : await ensureDashboardBuilt(v.rebuild ?? false);
    if (!existsSync(join(appDir, "index.html"))) throw new LflError("E_FILE", `${appDir} holds no built app (run 'npm run build:dashboard')`);
    const srv = await startDashboardServer({ host, port, resultsDir, runsDir, appDir });
    console.log(`lfl dashboard: open ${srv.url}   (results: ${resultsDir}; runs: ${join(runsDir, "progress")}; Ctrl-C to stop)`);
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void srv.close().then(done);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    return 0;
  },
};
