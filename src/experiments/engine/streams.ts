/**
 * Independent random streams: every cell and stage draws from its own stream, seeded by a hash of
 * (experiment, env, seed, stage, method) — no stream is shared between cells (the observer of seed s no longer
 * trains with the learner stream of seed s + 1).
 *
 * Usage: `new Rng(streamSeed("table3", "Hopper-v5", seed, "observer"))`.
 */
import { createHash } from "node:crypto";

/** A 48-bit integer seed (exact in a double, accepted by `Rng` and PPO) hashed from the parts. */
export function streamSeed(...parts: ReadonlyArray<string | number>): number {
  for (const p of parts) if (typeof p === "number" && !Number.isSafeInteger(p)) throw new RangeError(`streamSeed: ${p} is not a safe integer`);
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest();
  return digest.readUIntBE(0, 6);
}
