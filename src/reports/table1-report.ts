/**
 * Table 1 results → the printed/markdown table, our numbers beside the paper's, plus the notes that say how to
 * read them. Used by `lfl reproduce table1` (terminal and results/table1.md) and `lfl demo`.
 *
 * Usage: `console.log(table1Table(runTable1()));`
 */
import { provenanceLine, type ReportMeta } from "../experiments/engine/results-doc.ts";
import type { Table1Result, Table1Row } from "../experiments/table1.ts";
import { formatNumber, markdownTable, type Column } from "./markdown-table.ts";

const COLUMNS: readonly Column<Table1Row>[] = [
  { header: "agent", value: (r) => r.agent },
  { header: "reward", value: (r) => r.reward },
  { header: "policy", value: (r) => r.policy },
  { header: "score J", value: (r) => r.score, digits: 4 },
  { header: "regret", value: (r) => r.regret, digits: 4 },
  { header: "paper J", value: (r) => paperNumber(r.paper?.score), align: "right" },
  { header: "paper regret", value: (r) => paperNumber(r.paper?.regret), align: "right" },
];

/** A paper value as printed there: its own digits; an order of magnitude as "~1e-13". */
function paperNumber(x: number | undefined): string | undefined {
  if (x === undefined) return undefined;
  return (x > 0 && x < 1e-3 ? `~${x.toExponential(0)}` : String(x)).replace(/^-/, "−");
}

/** "Table 1: … on <mdp> (α = …, γ = …)". */
export function table1Title(result: Table1Result): string {
  const where = result.mdp.name === "grid5x5" ? "the 5×5 grid" : `'${result.mdp.name}'`;
  return `Table 1: exact soft policy inversion on ${where} (α = ${result.alpha}, γ = ${result.mdp.gamma})`;
}

/** The table alone (markdown pipes, padded for the terminal). */
export function table1Table(result: Table1Result): string {
  return markdownTable(COLUMNS, result.rows);
}

/** One-line reading of the §4.3 regression. */
export function table1StateOnlyNote(result: Table1Result): string {
  const { residual, offset, spread, stateOnlyTruth } = result.stateOnly;
  const fit = `state-only fit residual ${formatNumber(residual)}`;
  return stateOnlyTruth
    ? `r̄φ = r ${offset < 0 ? "−" : "+"} ${formatNumber(Math.abs(offset))} in every state (spread ${formatNumber(spread)}; the constant is not identifiable), ${fit}`
    : `the true reward depends on the action, so r̄φ is a state-only approximation (${fit})`;
}

/** The whole markdown page written to results/table1.md. */
export function table1Markdown(result: Table1Result, meta: ReportMeta): string {
  return [
    `# ${table1Title(result)}`,
    "",
    provenanceLine(meta, 2),
    "",
    table1Table(result),
    "",
    `Score J(π): entropy-regularised return (Eq. 2) under the true reward from the start state; regret = J* − J(π).`,
    `The paper truncates (−19.795 → −19.7) and prints the observers' regrets only as orders of magnitude (".e-13", ".e-10").`,
    "",
    `- ${table1StateOnlyNote(result)}`,
    "",
  ].join("\n");
}
