/** Sortable HTML tables: click a header to sort by it (numbers numerically, text alphabetically). */
import { fmt, h } from "./dom.ts";

export interface Col<R> {
  header: string;
  value: (r: R) => unknown;
  /** Left-aligned text column. */
  text?: boolean;
  /** Marks the paper's numbers (shaded). */
  paper?: boolean;
  digits?: number;
  title?: string;
}

export function sortableTable<R>(cols: readonly Col<R>[], rows: readonly R[], opts: { scroll?: boolean; testId?: string } = {}): HTMLElement {
  const table = h("table", { class: "data", dataset: opts.testId ? { testid: opts.testId } : {} });
  const thead = h("thead"), tbody = h("tbody");
  table.append(thead, tbody);
  let order = rows.map((_, i) => i);
  let sortCol = -1, asc = true;
  const render = (): void => {
    tbody.replaceChildren(...order.map((i) => h("tr", {}, ...cols.map((c) => {
      const v = c.value(rows[i]!);
      return h("td", { class: [c.text ? "text" : "", c.paper ? "paper" : ""].join(" ").trim() || undefined }, typeof v === "number" ? fmt(v, c.digits) : v === null || v === undefined ? "—" : String(v));
    }))));
  };
  const headRow = h("tr", {}, ...cols.map((c, j) => {
    const th = h("th", { class: [c.text ? "text" : "", c.paper ? "paper" : ""].join(" ").trim() || undefined, title: c.title ?? "click to sort" }, c.header);
    th.addEventListener("click", () => {
      asc = sortCol === j ? !asc : true;
      sortCol = j;
      const key = (i: number): unknown => cols[j]!.value(rows[i]!);
      order = [...order].sort((a, b) => {
        const x = key(a), y = key(b);
        const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""));
        return asc ? cmp : -cmp;
      });
      for (const t of headRow.children) t.classList.remove("sorted-asc", "sorted-desc");
      th.classList.add(asc ? "sorted-asc" : "sorted-desc");
      render();
    });
    return th;
  }));
  thead.append(headRow);
  render();
  return opts.scroll ? h("div", { class: "scroll" }, table) : table;
}

/** Every array of plain objects inside a JSON value, with its path (for the generic view). */
export function objectArrays(x: unknown, path = "", out: { path: string; rows: Record<string, unknown>[] }[] = [], depth = 0): { path: string; rows: Record<string, unknown>[] }[] {
  if (depth > 5 || x === null || typeof x !== "object") return out;
  if (Array.isArray(x)) {
    if (x.length > 0 && x.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))) out.push({ path, rows: x as Record<string, unknown>[] });
    return out;
  }
  for (const [k, v] of Object.entries(x)) objectArrays(v, path ? `${path}.${k}` : k, out, depth + 1);
  return out;
}

/** Flattens one level of nesting ({a: {b: 1}} → "a.b") and keeps scalar cells only. */
export function flatColumns(rows: readonly Record<string, unknown>[]): Col<Record<string, unknown>>[] {
  const keys = new Map<string, (r: Record<string, unknown>) => unknown>();
  for (const r of rows.slice(0, 50)) {
    for (const [k, v] of Object.entries(r)) {
      if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
          if (v2 === null || typeof v2 !== "object") keys.set(`${k}.${k2}`, (x) => (x[k] as Record<string, unknown> | undefined)?.[k2]);
        }
      } else if (!Array.isArray(v)) keys.set(k, (x) => x[k]);
    }
  }
  return [...keys].slice(0, 24).map(([header, value]) => ({ header, value, text: typeof value(rows[0]!) === "string", paper: header.startsWith("paper") }));
}
