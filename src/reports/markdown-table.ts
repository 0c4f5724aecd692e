/**
 * Rows → a markdown pipe table whose columns are padded to equal width, so the same text reads well in a
 * terminal and renders as a table in markdown. Generic over the row type, columns declared as data.
 *
 * Usage:
 *   markdownTable([{ header: "agent", value: (r) => r.agent }, { header: "J", value: (r) => r.score, digits: 4 }], rows)
 */

export interface Column<R> {
  header: string;
  /** The cell: a string as is, a number formatted by `formatNumber(x, digits)`, null/undefined as "—". */
  value: (row: R) => string | number | null | undefined;
  /** Default: right for numbers, left otherwise (decided from the first row). */
  align?: "left" | "right";
  /** Significant decimals for number cells (default 4). */
  digits?: number;
}

/**
 * Fixed-point with `digits` decimals; exponential notation for tiny or huge magnitudes (so a regret of 1e-13
 * does not print as 0.0000); exact 0 as "0".
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const ax = Math.abs(x);
  const s = ax < 10 ** -digits || ax >= 1e9 ? x.toExponential(1) : x.toFixed(digits);
  return s.replace(/^-/, "−");
}

/** Display width: code points, not counting combining marks (r̄ is one column wide). */
export function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s) if (!/\p{M}/u.test(ch)) n++;
  return n;
}

function pad(s: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return align === "right" ? fill + s : s + fill;
}

export function markdownTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const cells = rows.map((row) => columns.map((c) => {
    const v = c.value(row);
    if (v === null || v === undefined) return "—";
    return (typeof v === "number" ? formatNumber(v, c.digits ?? 4) : v).replace(/\|/g, "\\|");
  }));
  const aligns = columns.map((c) => c.align ?? (rows.length > 0 && typeof c.value(rows[0]!) === "number" ? "right" : "left"));
  const widths = columns.map((c, j) => Math.max(3, displayWidth(c.header), ...cells.map((r) => displayWidth(r[j]!))));
  const line = (r: readonly string[]): string => `| ${r.map((x, j) => pad(x, widths[j]!, aligns[j]!)).join(" | ")} |`;
  const rule = `|${widths.map((w, j) => (aligns[j] === "right" ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|")}|`;
  return [line(columns.map((c) => c.header)), rule, ...cells.map(line)].join("\n");
}
