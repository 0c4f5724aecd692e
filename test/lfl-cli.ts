/**
 * Runs the real CLI (`src/cli/main.ts` through tsx) in a child process from the repository root, for the
 * end-to-end tests: `const r = lfl("reproduce", "table1"); assert.equal(r.code, 0, r.stderr);` — or in this
 * process (`lflInProcess`, fast: the bad-input tables), capturing what it prints.
 */
import { spawn, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { runCli } from "../src/cli/run-cli.ts";

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

/** Runs the CLI in this process (`runCli`), capturing console.log / console.error; returns the exit code and what it printed. */
export async function lflInProcess(...argv: string[]): Promise<CliRun> {
  const log = console.log, error = console.error;
  let stdout = "", stderr = "";
  console.log = (...xs: unknown[]) => { stdout += `${xs.join(" ")}\n`; };
  console.error = (...xs: unknown[]) => { stderr += `${xs.join(" ")}\n`; };
  try {
    return { code: await runCli(argv), stdout, stderr };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Runs the real CLI with its stdout closed at once (as `lfl … | head` does to it); resolves to the exit code and stderr. */
export async function lflStdoutClosed(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => { stderr += b.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  return { code, stderr };
}
