/**
 * Running one benchmark under several NN kernel backends in the same run: the backend is fixed per process
 * (LFL_KERNELS is read once), so each measurement is a child process of the same `lfl bench <target>` with
 * LFL_KERNELS set. Rounds rotate the backend order, so a change in the machine's load hits every backend alike;
 * callers report medians over rounds and ratios against the TypeScript kernels from the same rounds.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { FLOAT64_KERNEL_BACKENDS, KERNEL_BACKEND_NAMES, loadKernelBackend, type KernelBackendName } from "../nn/kernels.ts";

/** Set in the children: run the benchmark once, in process, with the inherited LFL_KERNELS. */
const CHILD_ENV = "LFL_BENCH_CHILD";

export function isBenchChild(): boolean {
  return process.env[CHILD_ENV] === "1";
}

/**
 * The backends of a --backends flag: a comma list, or "all" (default) for every bit-identical (float64) backend
 * available here; the opt-in native-f32 runs only when named.
 */
export function parseBackends(value: string | undefined): KernelBackendName[] {
  if (value === undefined || value === "all") return FLOAT64_KERNEL_BACKENDS.filter((n) => loadKernelBackend(n) !== null);
  const names = value.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!(KERNEL_BACKEND_NAMES as readonly string[]).includes(n)) throw new InputError("E_USAGE", `--backends: unknown backend '${n}' (${KERNEL_BACKEND_NAMES.join(", ")} or all)`);
    if (loadKernelBackend(n as KernelBackendName) === null) throw new InputError("E_USAGE", `--backends: '${n}' is not available here`);
  }
  return names as KernelBackendName[];
}

/**
 * Runs `lfl bench <target> ...argv --json FILE` once per backend per round (`rounds` rounds, order rotated)
 * and returns the parsed JSON results, per backend in round order.
 */
export function runPerBackend<T>(target: string, argv: readonly string[], backends: readonly KernelBackendName[], rounds: number): Map<KernelBackendName, T[]> {
  const dir = mkdtempSync(join(tmpdir(), "lfl-bench-"));
  const out = new Map<KernelBackendName, T[]>(backends.map((b) => [b, []]));
  const script = process.argv[1];
  if (script === undefined) throw new InputError("E_USAGE", "bench: cannot find the lfl entry point to start child processes");
  try {
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < backends.length; i++) {
        const backend = backends[(i + r) % backends.length]!;
        const file = join(dir, `${backend}-${r}.json`);
        process.stderr.write(`  round ${r + 1}/${rounds}: ${backend}\n`);
        const res = spawnSync(process.execPath, [...process.execArgv, script, "bench", target, ...argv, "--json", file], {
          env: { ...process.env, LFL_KERNELS: backend, [CHILD_ENV]: "1" },
          stdio: ["ignore", "ignore", "inherit"],
        });
        if (res.status !== 0) throw new Error(`bench ${target} under LFL_KERNELS=${backend} exited with ${res.status ?? res.signal}`);
        out.get(backend)!.push(JSON.parse(readFileSync(file, "utf8")) as T);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** A speed-up as "3.21×". */
export function times(x: number): string {
  return `${x.toFixed(2)}×`;
}
