/** Output paths checked before any work starts (the one output module's guard; src/core/atomic-file.ts writes). */
import * as nodeFs from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { NODE_FS, tempPathFor, tryUnlink, type AtomicFs } from "./atomic-file.ts";
import { InputError } from "./errors.ts";
import { fsReason } from "./input-limits.ts";
import { printable } from "./printable.ts";

/**
 * Validates output paths before any work starts: each parent directory exists, is a directory and is
 * writable (probed by creating and removing a temp file), no output is an existing directory, no output is
 * (the same file as) an input, and no two outputs are the same. Throws `InputError("E_FILE")` naming the
 * path and the reason. `undefined` entries are skipped, so optional flags can be passed as they are.
 */
export function checkOutputPaths(outputs: ReadonlyArray<string | undefined>, inputs: ReadonlyArray<string | undefined> = [], options: { fs?: AtomicFs } = {}): void {
  const fs = options.fs ?? NODE_FS;
  const identity = (p: string): string | undefined => {
    try {
      const st = fs.statSync(p);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  };
  const realOut = (p: string): string => {
    const abs = resolve(p);
    try {
      return nodeFs.realpathSync(abs);
    } catch {
      try {
        return join(nodeFs.realpathSync(dirname(abs)), basename(abs));
      } catch {
        return abs;
      }
    }
  };
  const inputIds = new Map<string, string>();
  const inputReal = new Map<string, string>();
  for (const i of inputs) {
    if (i === undefined) continue;
    const id = identity(i);
    if (id) inputIds.set(id, i);
    inputReal.set(realOut(i), i);
  }
  const seen = new Map<string, string>();
  const dirsOk = new Set<string>();
  for (const out of outputs) {
    if (out === undefined) continue;
    const name = printable(out);
    if (out.length === 0) throw new InputError("E_FILE", "output path is empty");
    const real = realOut(out);
    const prev = seen.get(real);
    if (prev !== undefined) throw new InputError("E_FILE", `output ${name} is given twice (also as ${printable(prev)})`);
    seen.set(real, out);
    const id = identity(out);
    const clash = (id && inputIds.get(id)) ?? inputReal.get(real);
    if (clash !== undefined) throw new InputError("E_FILE", `output ${name} is the input ${printable(clash)}: writing it would destroy the input`);
    let st: nodeFs.Stats | undefined;
    try {
      st = fs.statSync(out);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) throw new InputError("E_FILE", `output ${name} is a directory`);
    if (st && (st.isCharacterDevice() || st.isFIFO())) continue; // written directly: no directory access needed
    if (st && !st.isFile()) throw new InputError("E_FILE", `output ${name} exists and is not a regular file, device or FIFO`);
    const dir = dirname(resolve(out));
    if (dirsOk.has(dir)) continue;
    let dst: nodeFs.Stats;
    try {
      dst = fs.statSync(dir);
    } catch (e) {
      throw new InputError("E_FILE", `cannot write ${name}: directory ${printable(dir)}: ${fsReason(e)}`);
    }
    if (!dst.isDirectory()) throw new InputError("E_FILE", `cannot write ${name}: ${printable(dir)} is not a directory`);
    const probe = tempPathFor(join(dir, ".lfl-write-probe"));
    try {
      fs.closeSync(fs.openSync(probe, "wx", 0o600));
    } catch (e) {
      throw new InputError("E_FILE", `cannot write ${name}: directory ${printable(dir)} is not writable: ${fsReason(e)}`);
    }
    tryUnlink(fs, probe);
    dirsOk.add(dir);
  }
}
