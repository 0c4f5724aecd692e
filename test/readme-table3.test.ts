/**
 * The README's Table 3 summary is the output of the command printed above it, on the committed results files (which
 * test/results-regenerate.test.ts reassembles from the committed cells): a changed results file or a hand-edited
 * number fails here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

test("the README's Table 3 summary is what scripts/table3-summary.ts prints for the files it names", () => {
  const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
  const command = readme.split("\n").map((l) => l.trim()).find((l) => l.startsWith("node --import tsx scripts/table3-summary.ts "));
  assert.ok(command, "the README prints the command that makes its Table 3 summary");
  const args = command.split(/\s+/).slice(1);
  assert.ok(args.filter((a) => a.endsWith(".json")).length >= 2, command);
  const table = execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" }).trim();
  assert.ok(table.split("\n").length >= 6, table);
  assert.ok(readme.includes(`\n${table}\n`), `README's table differs from the command's output:\n${table}`);
});
