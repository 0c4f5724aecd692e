/** The dashboard's entry: a hash router over four pages (and the hidden #/bench used by `lfl bench browser`). */
import "./style.css";

type Mount = (el: HTMLElement, arg: string) => Promise<void> | void;
const PAGES: Record<string, () => Promise<{ mount: Mount }>> = {
  results: () => import("./pages/results-page.ts"),
  tabular: () => import("./pages/tabular-page.ts"),
  mujoco: () => import("./pages/mujoco-page.ts"),
  runs: () => import("./pages/runs-page.ts"),
  bench: () => import("./pages/bench-page.ts"),
};

let generation = 0;

async function route(): Promise<void> {
  const [, name = "results", ...rest] = location.hash.replace(/^#/, "").split("/");
  const page = PAGES[name] ? name : "results";
  const gen = ++generation;
  document.body.dataset.page = page;
  document.body.dataset.ready = "0";
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a")) a.classList.toggle("active", a.dataset.page === page);
  const old = document.getElementById("app")!;
  const app = old.cloneNode(false) as HTMLElement; // drop the old page's listeners
  old.replaceWith(app);
  try {
    const { mount } = await PAGES[page]!();
    if (gen !== generation) return;
    await mount(app, decodeURIComponent(rest.join("/")));
  } catch (e) {
    app.append(Object.assign(document.createElement("p"), { className: "error", textContent: `This page failed: ${(e as Error).message}` }));
    throw e;
  } finally {
    if (gen === generation) document.body.dataset.ready = "1";
  }
}

window.addEventListener("hashchange", () => void route());
void route();
