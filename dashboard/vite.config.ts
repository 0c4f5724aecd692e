/**
 * Vite build of the dashboard (dashboard/ → dashboard/dist). The app bundles the library's own code from src/
 * (tabular LfL, MuJoCo envs, reports) — the SAME functions the CLI runs. A few src/ modules import node:*
 * builtins at the top (file I/O the browser pages never call); they resolve here to a stub with the real module's
 * export names whose functions throw "not available in the browser", except the two that run at module load
 * (native-kernels.ts): existsSync → false and fileURLToPath → its argument. `process.env` reads become `{}` (TypeScript kernels).
 * Nothing is fetched from outside at run time: every asset (JS, the MuJoCo WASM, MJCF models) is in dist.
 */
import { defineConfig, type Plugin } from "vite";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));
/** node:* (and bare builtin) imports → a stub module (see the header). */
function nodeStub(): Plugin {
  return {
    name: "lfl-node-stub",
    enforce: "pre",
    resolveId(id) {
      const name = id.startsWith("node:") ? id.slice(5) : id;
      return BUILTINS.has(name) ? `\0lfl-node-stub:${name}` : null;
    },
    async load(id) {
      if (!id.startsWith("\0lfl-node-stub:")) return null;
      const mod = id.slice("\0lfl-node-stub:".length);
      // Every export of the real module (so new imports in src/ keep building), as a stub.
      const real = (await import(`node:${mod}`)) as Record<string, unknown>;
      const lines = Object.keys(real).filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n)).map((n) => {
        if (n === "existsSync") return "export function existsSync() { return false; }";
        if (n === "fileURLToPath") return "export function fileURLToPath(u) { return String(u); }";
        if (n === "sep") return 'export const sep = "/";';
        if (n === "isMainThread") return "export const isMainThread = true;";
        if (n === "performance") return "export const performance = globalThis.performance;";
        if (typeof real[n] === "function") return `export function ${n}() { throw new Error("node:${mod}.${n} is not available in the browser"); }`;
        return `export const ${n} = ${typeof real[n] === "object" && real[n] !== null ? "{}" : "undefined"};`;
      });
      return `${lines.join("\n")}\nexport default {};\n`;
    },
  };
}

export default defineConfig({
  root: here,
  base: "./",
  publicDir: false,
  logLevel: "warn",
  plugins: [nodeStub()],
  define: { "process.env": "{}" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 12000,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: "es", plugins: () => [nodeStub()], rolldownOptions: { checks: { pluginTimings: false } } },
});
