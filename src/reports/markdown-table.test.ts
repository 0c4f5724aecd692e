import { test } from "node:test";
import assert from "node:assert/strict";
import { displayWidth, formatNumber, markdownTable } from "./markdown-table.ts";

test("numbers: fixed digits, exponent for tiny values, unicode minus", () => {
  assert.equal(formatNumber(5.683784), "5.6838");
  assert.equal(formatNumber(-19.795, 2), "−19.80");
  assert.equal(formatNumber(1.1e-13), "1.1e-13");
  assert.equal(formatNumber(0), "0");
});

test("columns are padded by display width (combining marks take no column) and numbers align right", () => {
  assert.equal(displayWidth("r̄1→2"), 4);
  const rows = [{ name: "r̄", x: 1.5 }, { name: "a|b", x: -20 }];
  const text = markdownTable([{ header: "name", value: (r: (typeof rows)[number]) => r.name }, { header: "x", value: (r) => r.x, digits: 1 }, { header: "none", value: () => null }], rows);
  assert.equal(text, [
    "| name |     x | none |",
    "|------|------:|------|",
    "| r̄    |   1.5 | —    |",
    "| a\\|b | −20.0 | —    |",
  ].join("\n"));
});
