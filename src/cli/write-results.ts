/**
 * The tail every experiment command shares: render the results document's report, write the JSON, markdown and
 * figures (and an optional --json copy) as ONE atomic set, print the report, name what is missing and what was
 * written. Exit 2 (E_FILE) when no cell was finished, before writing anything.
 */
import { join } from "node:path";
import { writeFileSet } from "../core/atomic-file.ts";
import { InputError } from "../core/errors.ts";
import type { ResultsDoc } from "../experiments/engine/results-doc.ts";
import { REPORTS } from "../reports/report-registry.ts";

export async function writeResults(command: string, report: keyof typeof REPORTS, doc: ResultsDoc<object>, stem: string, outDir: string, jsonCopy: string | undefined): Promise<void> {
  // No finished cell (all failed, or none stored with --finished-only): nothing to report, and the previous
  // result set is left as it is (an empty report would replace it).
  if (doc.cells.length === 0) {
    const why = doc.missing.length > 0 ? ` (${doc.missing.length} requested: ${doc.missing.slice(0, 2).join("; ")}${doc.missing.length > 2 ? "; …" : ""})` : "";
    throw new InputError("E_FILE", `${command}: no cell is finished; nothing to report, nothing written${why}${doc.missing.some((m) => m.includes("--finished-only")) ? " (run without --finished-only to compute them)" : ""}`);
  }
  const r = await REPORTS[report]!(doc, stem);
  const json = `${JSON.stringify(doc, null, 2)}\n`;
  const files = [
    { path: join(outDir, `${stem}.json`), data: json },
    { path: join(outDir, `${stem}.md`), data: r.markdown },
    ...Object.entries(r.files).map(([f, data]) => ({ path: join(outDir, f), data })),
    ...(jsonCopy !== undefined ? [{ path: jsonCopy, data: json }] : []),
  ];
  writeFileSet(files);
  console.log(r.console);
  if (doc.missing.length > 0) console.log(`\n${doc.missing.length} requested cell(s) not in the results: ${doc.missing.slice(0, 5).join("; ")}${doc.missing.length > 5 ? "; …" : ""}`);
  console.log(`wrote ${files.map((f) => f.path).join(", ")}`);
}
