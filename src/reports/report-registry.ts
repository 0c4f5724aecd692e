/**
 * The report of every experiment (keyed like src/experiments/registry.ts): a results document → the markdown
 * file, extra files (figures) and the console text. `lfl reproduce` writes the JSON, the markdown and the
 * figures as one set.
 */
import type { ResultsDoc } from "../experiments/engine/results-doc.ts";
import type { PpoCurvesBody, PpoSummaryBody } from "../experiments/ppo-curves-experiment.ts";
import type { Table1Result } from "../experiments/table1.ts";
import type { Table2Result } from "../experiments/table2.ts";
import type { Table3Result } from "../experiments/table3/table3.ts";
import type { TabularBenchmarkBody } from "../experiments/tabular-benchmark-experiment.ts";
import { provenanceLine } from "../experiments/engine/results-doc.ts";
import { tabularBenchmarkMarkdown } from "./tabular-benchmark-report.ts";
import { renderFig3 } from "./fig3.ts";
import { renderFig4, renderTable3StatisticsFigures } from "./fig4.ts";
import { ppoCurvesMarkdown, ppoSummaryMarkdown } from "./ppo-curves-report.ts";
import { table1Markdown, table1StateOnlyNote, table1Table, table1Title } from "./table1-report.ts";
import { table2Markdown, table2Notes, table2Table, table2Title } from "./table2-report.ts";
import { table3Markdown, table3Notes, table3Tables, table3Title } from "./table3-report.ts";
import { evaluateReport } from "./evaluate-report.ts";

export interface ReportFiles {
  /** Written as <stem>.md. */
  markdown: string;
  /** Extra files by name (figures), written beside it in the same set. */
  files: Record<string, string>;
  /** What the command prints. */
  console: string;
}

type Reporter = (doc: ResultsDoc<object>, stem: string) => Promise<ReportFiles>;

export const REPORTS: Record<string, Reporter> = {
  async table1(d, stem) {
    const doc = d as ResultsDoc<Table1Result & { paperGrid: boolean; gridSize: number | null }>;
    // Fig. 3 pictures a square grid: drawn for the paper's grid and MDPs that declare a square grid layout.
    const files = doc.gridSize !== null ? { [stem === "table1" ? "fig3.svg" : `fig3-${stem.slice("table1-".length)}.svg`]: await renderFig3(doc, doc.gridSize) } : {};
    const text = [`${table1Title(doc)}\n`, table1Table(doc), `\n${table1StateOnlyNote(doc)}`, ...(doc.gridSize !== null ? [] : ["Fig. 3 is a picture of a square grid: not drawn for this MDP (it declares no square grid \"layout\"; docs/mdp-json.md)."])].join("\n");
    return { markdown: table1Markdown(doc, doc), files, console: text };
  },
  async table2(d) {
    const doc = d as ResultsDoc<Table2Result>;
    return { markdown: table2Markdown(doc, doc), files: {}, console: [`${table2Title(doc)}\n`, table2Table(doc), `\n${table2Notes(doc).map((n) => `- ${n}`).join("\n")}`].join("\n") };
  },
  async table3(d, stem) {
    const doc = d as ResultsDoc<Table3Result>;
    const fig = stem.replace(/^table3/, "fig4");
    return {
      markdown: table3Markdown(doc, doc),
      files: doc.envs.length > 0 ? { [`${fig}.svg`]: await renderFig4(doc), ...(await renderTable3StatisticsFigures(doc, stem)) } : {},
      console: [`${table3Title(doc)}\n`, table3Tables(doc), `\n${table3Notes(doc).map((n) => `- ${n}`).join("\n")}`].join("\n"),
    };
  },
  async "ppo-curves"(d) {
    const md = ppoCurvesMarkdown(d as ResultsDoc<PpoCurvesBody>);
    return { markdown: md, files: {}, console: md };
  },
  // `lfl evaluate` (src/experiments/evaluate/): Table 3's report on a given history; the figure is <stem>.svg.
  async evaluate(d, stem) {
    const r = await evaluateReport(d as Parameters<typeof evaluateReport>[0]);
    return { markdown: r.markdown, files: r.svg === null ? {} : { [`${stem}.svg`]: r.svg }, console: r.console };
  },
  async "tabular-benchmark"(d) {
    const doc = d as ResultsDoc<TabularBenchmarkBody>;
    const md = tabularBenchmarkMarkdown(doc.runs, `Tabular benchmark, scale '${doc.scale}', seeds ${doc.seeds.join(", ")}`);
    const withProvenance = md.replace(/\n/, `\n\n${provenanceLine(doc, 0)}\n`);
    return { markdown: withProvenance, files: {}, console: withProvenance };
  },
  async "ppo-summary"(d) {
    const md = ppoSummaryMarkdown(d as ResultsDoc<PpoSummaryBody>);
    return { markdown: md, files: {}, console: md };
  },
};
