/** JSON (finite numbers only) written through the one atomic writer (src/core/atomic-file.ts). */
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { NumericalError } from "../../core/errors.ts";

export function writeJsonAtomic(path: string, value: unknown): void {
  const text = JSON.stringify(value, (k, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new NumericalError(`${path}: field '${k}' is ${v}; nothing was written`);
    return v;
  });
  writeFileAtomic(path, `${text}\n`);
}
