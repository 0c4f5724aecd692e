/**
 * What every results JSON records about how it was made: the exact command, the seed, the git revision of the
 * code (null outside a git checkout), the Node version, when it started and the wall time.
 *
 * Usage: `const clock = startClock(); …; const meta = provenance(clock, { command, seed });`
 */
import { execFileSync } from "node:child_process";

export interface Provenance {
  command: string;
  seed: number;
  /** `git rev-parse HEAD`, with "-dirty" when tracked files differ from it; null when git is unavailable. */
  gitRevision: string | null;
  node: string;
  startedAt: string;
  wallTimeSeconds: number;
}

export interface Clock {
  startedAt: Date;
  t0: number;
}

export function startClock(): Clock {
  return { startedAt: new Date(), t0: performance.now() };
}

/** The current git revision, or null when this is not a git checkout or git is missing. */
export function gitRevision(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}

export function provenance(clock: Clock, run: { command: string; seed: number }): Provenance {
  return {
    command: run.command,
    seed: run.seed,
    gitRevision: gitRevision(),
    node: process.version,
    startedAt: clock.startedAt.toISOString(),
    wallTimeSeconds: (performance.now() - clock.t0) / 1000,
  };
}
