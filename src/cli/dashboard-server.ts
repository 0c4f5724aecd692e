/**
 * The HTTP server behind `lfl dashboard` (node:http only). It serves exactly two sets of files and two APIs:
 *
 *   GET /, /assets/…         the built web app (dashboard/dist), from a map built at start
 *   GET /results/<name>      a file of the results directory, from a map built at start and at each /api/results
 *   GET /api/results         the list of result files (rebuilds the map)
 *   GET /api/runs            the progress files of running/finished runs (<runs dir>/progress/*.json)
 *   GET /api/runs/events     the same as server-sent events, pushed when a progress file changes
 *
 * Security model (docs/dashboard.md): a client path is only ever a KEY looked up in a whitelist map (relative
 * path → absolute path) built by walking the served folders; it is never joined onto the filesystem. The
 * walk skips dotfiles, follows a symlink only when its real path stays inside the served folder, and lists
 * only regular files with known extensions. Malformed paths (bad percent-encoding, NUL, backslash, `..`/`.`
 * segments, not starting with `/`) are 400, anything not in a map 404, methods other than GET/HEAD 405.
 * Bound to 127.0.0.1 by default; while bound to loopback, requests whose Host header is not a loopback name
 * are refused (403: DNS-rebinding defence). No CORS headers are ever sent; responses carry a strict
 * Content-Security-Policy (everything from 'self'), and COOP/COEP so the page is cross-origin isolated (MuJoCo's
 * WASM build needs SharedArrayBuffer).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { extname, join, sep } from "node:path";
import { parseProgress, PROGRESS_SUBDIR, type RunProgress } from "../experiments/progress-file.ts";

export interface DashboardServerOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port (0 = any free port). */
  port: number;
  /** The results directory whose files are served under /results/. */
  resultsDir: string;
  /** The built app (dashboard/dist). */
  appDir: string;
  /** The runs directory; progress files are read from <runsDir>/progress/*.json. */
  runsDir: string;
  /** How often the SSE endpoint looks for changed progress files (ms, default 1000). */
  pollMs?: number;
}

export interface DashboardServer {
  server: Server;
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".npz": "application/octet-stream",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".ico": "image/x-icon",
};

/** Result-file extensions the server lists and serves. */
export const RESULT_EXTENSIONS = [".json", ".md", ".svg", ".png", ".npz", ".csv", ".txt"];
const APP_EXTENSIONS = [".html", ".js", ".mjs", ".css", ".json", ".svg", ".png", ".wasm", ".xml", ".ico", ".txt"];
const MAX_FILES = 5000;
const MAX_DEPTH = 6;
const MAX_PROGRESS_BYTES = 1 << 20;

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * The whitelist: every regular file under `root` (depth ≤ 6, at most 5000) with one of `extensions`, keyed by
 * its path relative to `root` with "/" separators. Dotfiles and dot-folders are skipped; a symlink is followed
 * only if its real path lies inside the real `root`. A missing root gives an empty map.
 */
export function buildFileMap(root: string, extensions: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    if (!statSync(realRoot).isDirectory()) return map;
  } catch {
    return map;
  }
  const inside = (p: string): boolean => p === realRoot || p.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  const walk = (dir: string, rel: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (map.size >= MAX_FILES) return;
      if (name.startsWith(".") || name.includes("\\") || name.includes("\0")) continue;
      const abs = join(dir, name);
      let real: string;
      try {
        real = lstatSync(abs).isSymbolicLink() ? realpathSync(abs) : abs;
      } catch {
        continue;
      }
      if (!inside(real)) continue;
      let st;
      try {
        st = statSync(real);
      } catch {
        continue;
      }
      const key = rel === "" ? name : `${rel}/${name}`;
      if (st.isDirectory()) {
        if (depth < MAX_DEPTH) walk(real, key, depth + 1);
      } else if (st.isFile() && extensions.includes(extname(name).toLowerCase())) {
        map.set(key, real);
      }
    }
  };
  walk(realRoot, "", 0);
  return map;
}

/**
 * Decodes a request target into a whitelist key: "/results/a/b.json" → { area: "results", key: "a/b.json" }.
 * Returns null for anything malformed (the caller answers 400): not starting with "/", bad percent-encoding,
 * NUL or backslash anywhere (raw or decoded), empty, "." or ".." segments, or a second "%" after decoding
 * (double encoding).
 */
export function requestKey(target: string): { path: string } | null {
  if (!target.startsWith("/") || target.startsWith("//")) return null;
  const q = target.indexOf("?");
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  if (rawPath.includes("\\") || rawPath.includes("\0")) return null;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (path.includes("\\") || path.includes("\0") || path.includes("%")) return null;
  const segments = path.slice(1).split("/");
  if (path !== "/" && segments.some((s) => s === "" || s === "." || s === "..")) return null;
  return { path };
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = "text/plain; charset=utf-8", head = false): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

/** Reads every valid progress file in <runsDir>/progress (invalid ones are reported, not thrown). */
export function readProgressFiles(runsDir: string): { runs: RunProgress[]; errors: string[] } {
  const map = buildFileMap(join(runsDir, PROGRESS_SUBDIR), [".json"]);
  const runs: RunProgress[] = [];
  const errors: string[] = [];
  for (const [key, abs] of map) {
    if (key.includes("/")) continue;
    try {
      if (statSync(abs).size > MAX_PROGRESS_BYTES) throw new Error("larger than 1 MiB");
      runs.push(parseProgress(JSON.parse(readFileSync(abs, "utf8")), key));
    } catch (e) {
      errors.push(`${key}: ${(e as Error).message}`);
    }
  }
  runs.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return { runs, errors };
}

/** Starts the server; resolves once it listens. */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? "127.0.0.1";
  const pollMs = options.pollMs ?? 1000;
  const appFiles = buildFileMap(options.appDir, APP_EXTENSIONS);
  let resultFiles = buildFileMap(options.resultsDir, RESULT_EXTENSIONS);
  const loopback = isLoopbackHost(host);
  const streams = new Set<ServerResponse>();

  const serveFile = (res: ServerResponse, abs: string, head: boolean): void => {
    let body: Buffer;
    try {
      body = readFileSync(abs);
    } catch {
      send(res, 404, "not found\n", undefined, head);
      return;
    }
    send(res, 200, body, MIME[extname(abs).toLowerCase()] ?? "application/octet-stream", head);
  };

  const events = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
    streams.add(res);
    let last = "";
    let beats = 0;
    const push = (): void => {
      const snapshot = JSON.stringify(readProgressFiles(options.runsDir));
      if (snapshot !== last) {
        last = snapshot;
        res.write(`event: progress\ndata: ${snapshot}\n\n`);
      } else if (++beats * pollMs >= 15000) {
        beats = 0;
        res.write(": keep-alive\n\n");
      }
    };
    push();
    const timer = setInterval(push, pollMs);
    const stop = (): void => {
      clearInterval(timer);
      streams.delete(res);
    };
    req.on("close", stop);
    res.on("close", stop);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      send(res, 405, "method not allowed\n");
      return;
    }
    const head = method === "HEAD";
    if (loopback) {
      const hostHeader = (req.headers.host ?? "").replace(/:\d+$/, "");
      if (!isLoopbackHost(hostHeader)) {
        send(res, 403, "forbidden: this dashboard answers only to localhost / 127.0.0.1\n", undefined, head);
        return;
      }
    }
    const parsed = requestKey(req.url ?? "");
    if (parsed === null) {
      send(res, 400, "bad request path\n", undefined, head);
      return;
    }
    const { path } = parsed;
    if (path === "/api/results") {
      resultFiles = buildFileMap(options.resultsDir, RESULT_EXTENSIONS);
      // cells/ holds committed cell results (`--commit-cells`): inputs to a store, not results documents.
      const list = [...resultFiles].filter(([name]) => !name.startsWith("cells/")).map(([name, abs]) => ({ name, bytes: statSync(abs).size }));
      send(res, 200, JSON.stringify({ files: list }), MIME[".json"], head);
      return;
    }
    if (path === "/api/runs") {
      send(res, 200, JSON.stringify(readProgressFiles(options.runsDir)), MIME[".json"], head);
      return;
    }
    if (path === "/api/runs/events") {
      if (head) send(res, 200, "", "text/event-stream; charset=utf-8", true);
      else events(req, res);
      return;
    }
    if (path.startsWith("/results/")) {
      const abs = resultFiles.get(path.slice("/results/".length));
      if (abs === undefined) send(res, 404, "not found\n", undefined, head);
      else serveFile(res, abs, head);
      return;
    }
    const abs = appFiles.get(path === "/" ? "index.html" : path.slice(1));
    if (abs === undefined) send(res, 404, "not found\n", undefined, head);
    else serveFile(res, abs, head);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : options.port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    server, host, port,
    url: `http://${urlHost === "0.0.0.0" || urlHost === "[::]" ? "127.0.0.1" : urlHost}:${port}/`,
    close: () => new Promise<void>((resolve) => {
      for (const s of streams) s.end();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
