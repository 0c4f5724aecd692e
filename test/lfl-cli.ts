/**
 * Runs the real CLI (`src/cli/main.ts` through tsx) in a child process from the repository root, for the
 * end-to-end tests: `const r = lfl("reproduce", "table1"); assert.equal(r.code, 0, r.stderr);`.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");

export interface CliRun {
  /** Exit code (−1 if the process was killed by a signal). */
  code: number;
  stdout: string;
  stderr: string;
}

export function lfl(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
