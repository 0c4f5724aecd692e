/**
 * The dependency bookkeeping of a sweep, shared by every executor: which cells are cached (already in the
 * store), which are ready (all inputs finished), which must be skipped because an input failed. Validated on
 * construction: keys unique (identical duplicates are merged), every input either a cell of the sweep or already
 * in the store, no cycles.
 */
import { InputError } from "../../core/errors.ts";
import type { CellSpec } from "../engine/cell.ts";
import type { CellRef, CellResultStore } from "./sweep-types.ts";

type State = "cached" | "waiting" | "running" | "done" | "failed" | "skipped";

export class CellSchedule {
  /** The sweep's distinct cells in the caller's order. */
  readonly cells: CellSpec[] = [];
  private readonly byKey = new Map<string, CellSpec>();
  private readonly state = new Map<string, State>();
  private readonly dependents = new Map<string, string[]>();

  constructor(cells: readonly CellSpec[], store: CellResultStore) {
    for (const c of cells) {
      const prev = this.byKey.get(c.key);
      if (prev !== undefined) {
        if (JSON.stringify(prev) !== JSON.stringify(c)) throw new InputError("E_INVALID_ARGUMENT", `sweep: two different cells share the key ${c.key} ('${prev.label}' and '${c.label}')`);
        continue;
      }
      this.byKey.set(c.key, c);
      this.cells.push(c);
    }
    for (const c of this.cells) {
      this.state.set(c.key, store.has(c.key) ? "cached" : "waiting");
      for (const k of c.inputs) {
        if (!this.byKey.has(k) && !store.has(k)) throw new InputError("E_INVALID_ARGUMENT", `sweep: cell '${c.label}' reads input ${k}, which is neither a cell of the sweep nor in the store`);
        if (!this.dependents.has(k)) this.dependents.set(k, []);
        this.dependents.get(k)!.push(c.key);
      }
    }
    this.checkAcyclic();
  }

  private checkAcyclic(): void {
    const indegree = new Map<string, number>();
    for (const c of this.cells) indegree.set(c.key, c.inputs.filter((k) => this.byKey.has(k)).length);
    const queue = this.cells.filter((c) => indegree.get(c.key) === 0).map((c) => c.key);
    let seen = 0;
    while (queue.length > 0) {
      const k = queue.pop()!;
      seen++;
      for (const d of this.dependents.get(k) ?? []) {
        const n = indegree.get(d)! - 1;
        indegree.set(d, n);
        if (n === 0) queue.push(d);
      }
    }
    if (seen !== this.cells.length) {
      const stuck = this.cells.filter((c) => indegree.get(c.key)! > 0).map((c) => c.label);
      throw new InputError("E_INVALID_ARGUMENT", `sweep: the cells' inputs form a cycle (among ${stuck.slice(0, 3).join(", ")}${stuck.length > 3 ? ", …" : ""})`);
    }
  }

  spec(key: string): CellSpec {
    return this.byKey.get(key)!;
  }

  cachedCells(): CellSpec[] {
    return this.cells.filter((c) => this.state.get(c.key) === "cached");
  }

  /** Cells not yet started whose inputs are all finished (cached or done), in the caller's order — except that
   *  cells sharing no input with a running cell come first: two workers then work on different (env, seed)
   *  groups instead of one waiting for the other's lock on a shared input's files (a learner history that has
   *  to be recomputed is built once per group, under a lock). */
  ready(): CellSpec[] {
    const ready = this.cells.filter((c) => this.state.get(c.key) === "waiting" && c.inputs.every((k) => this.isFinished(k)));
    const busy = new Set<string>();
    for (const c of this.cells) if (this.state.get(c.key) === "running") for (const k of c.inputs) busy.add(k);
    if (busy.size === 0) return ready;
    const shares = (c: CellSpec): boolean => c.inputs.some((k) => busy.has(k));
    return [...ready.filter((c) => !shares(c)), ...ready.filter(shares)];
  }

  private isFinished(key: string): boolean {
    const s = this.state.get(key);
    return s === undefined /* in the store, not in the sweep */ || s === "cached" || s === "done";
  }

  markRunning(key: string): void {
    this.state.set(key, "running");
  }

  markDone(key: string): void {
    this.state.set(key, "done");
  }

  /** Marks `key` failed; returns the cells that now cannot run (its transitive dependents), marked skipped. */
  markFailed(key: string): CellRef[] {
    this.state.set(key, "failed");
    const skipped: CellRef[] = [];
    const stack = [key];
    while (stack.length > 0) {
      for (const d of this.dependents.get(stack.pop()!) ?? []) {
        const s = this.state.get(d);
        if (s === "waiting") {
          this.state.set(d, "skipped");
          skipped.push({ key: d, label: this.byKey.get(d)!.label });
          stack.push(d);
        }
      }
    }
    return skipped;
  }

  /** Cells waiting or running. */
  get unfinished(): number {
    let n = 0;
    for (const s of this.state.values()) if (s === "waiting" || s === "running") n++;
    return n;
  }

  get running(): number {
    let n = 0;
    for (const s of this.state.values()) if (s === "running") n++;
    return n;
  }
}
