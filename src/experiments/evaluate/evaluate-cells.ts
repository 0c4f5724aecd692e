/**
 * Cell runner of `lfl evaluate`: Table 3's Algorithm 1 and PPO-method stages (through table3-cells.ts, unchanged
 * behaviour) on an outside history file named in the payload. The file's sha256 is part of every key; it is
 * checked again here, so a file changed between planning and running (or a different file at the same path on a
 * worker) fails the cell instead of silently mixing data.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { InputError } from "../../core/errors.ts";
import type { CellRunner } from "../engine/cell.ts";
import { runCell as runTable3Cell, type Table3CellPayload } from "../table3/table3-cells.ts";

export interface EvaluateCellPayload extends Table3CellPayload {
  historyFile: string;
  /** sha256 (hex) of the history file's bytes. */
  historySha256: string;
}

/** sha256 (hex) of a file's bytes; a missing or unreadable file is an InputError E_FILE naming it. */
export function fileSha256(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError("E_FILE", `${path}: cannot read the history file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return createHash("sha256").update(bytes).digest("hex");
}

export const runCell: CellRunner = async (spec, ctx) => {
  const p = spec.payload as EvaluateCellPayload;
  const sha = fileSha256(p.historyFile);
  if (sha !== p.historySha256) throw new InputError("E_FILE", `${p.historyFile}: the history file changed since the evaluation was planned (sha256 ${sha.slice(0, 12)}…, expected ${p.historySha256.slice(0, 12)}…)`);
  return runTable3Cell(spec, ctx);
};
