// The dashboard server's security model (src/cli/dashboard-server.ts, docs/dashboard.md): only the built app and
// whitelisted result files are served; traversal attempts of every kind are 400/404; no CORS; loopback by default
// and a non-loopback Host is refused; the progress files stream over server-sent events.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFileMap, requestKey, startDashboardServer, type DashboardServer } from "../src/cli/dashboard-server.ts";
import { parseProgress, writeProgressFile } from "../src/experiments/progress-file.ts";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { lfl, ROOT } from "./lfl-cli.ts";

let root: string;
let srv: DashboardServer;
const SECRET = "top-secret-outside-results";

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: srv.port, path, method, headers, insecureHTTPParser: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "lfl-dash-"));
  const results = join(root, "results"), app = join(root, "app"), runs = join(root, "runs");
  mkdirSync(join(results, "sub"), { recursive: true });
  mkdirSync(join(app, "assets"), { recursive: true });
  writeFileSync(join(results, "table1.json"), '{"name":"table1"}');
  writeFileSync(join(results, "sub", "nested.json"), '{"nested":true}');
  writeFileSync(join(results, ".hidden.json"), "{}");
  writeFileSync(join(results, "script.sh"), "echo no");
  writeFileSync(join(root, "secret.json"), JSON.stringify({ SECRET }));
  symlinkSync(join(root, "secret.json"), join(results, "link-out.json"));
  symlinkSync(root, join(results, "dir-out"));
  symlinkSync(join(results, "table1.json"), join(results, "link-in.json"));
  writeFileSync(join(app, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(app, "assets", "main.js"), "console.log(1)");
  writeProgressFile(join(runs, "progress"), { runId: "t3", command: "lfl reproduce table3", status: "running", startedAt: new Date(Date.now() - 10_000).toISOString(), cells: { total: 4, done: 1, running: 1, failed: 0 } });
  srv = await startDashboardServer({ port: 0, resultsDir: results, appDir: app, runsDir: runs, pollMs: 50 });
});

after(async () => {
  await srv.close();
  rmSync(root, { recursive: true, force: true });
});

test("binds to 127.0.0.1 by default and serves the app and whitelisted result files", async () => {
  assert.equal(srv.host, "127.0.0.1");
  assert.equal((srv.server.address() as { address: string }).address, "127.0.0.1");
  assert.equal((await get("/")).body, "<!doctype html><title>app</title>");
  assert.equal((await get("/assets/main.js")).status, 200);
  assert.equal((await get("/results/table1.json")).body, '{"name":"table1"}');
  assert.equal((await get("/results/sub/nested.json")).body, '{"nested":true}');
  assert.equal((await get("/results/link-in.json")).status, 200, "a symlink staying inside the results dir is served");
  const list = JSON.parse((await get("/api/results")).body) as { files: { name: string }[] };
  assert.deepEqual(list.files.map((f) => f.name).sort(), ["link-in.json", "sub/nested.json", "table1.json"]);
});

test("traversal attempts are 400 or 404 and never leak a file outside the results directory", async () => {
  const attempts = [
    "/results/../secret.json", "/results/%2e%2e/secret.json", "/results/%2E%2E%2Fsecret.json", "/results/%252e%252e/secret.json",
    "/results/..%2fsecret.json", "/results/..%5csecret.json", "/results/..\\secret.json", "/results/%2fetc%2fpasswd", "/results//etc/passwd",
    "/results/" + encodeURIComponent(join(root, "secret.json")), "/results/link-out.json", "/results/dir-out/secret.json",
    "/results/table1.json%00.png", "/results/table1.json%00", "/results/.hidden.json", "/results/script.sh", "/results/", "/results",
    "/../secret.json", "/%2e%2e/secret.json", "//etc/passwd", "/results/sub", "/results/sub/", "/results/./table1.json", "/results/%zz",
    "/assets/../../secret.json", "/app/index.html",
  ];
  for (const path of attempts) {
    const res = await get(path);
    assert.ok(res.status === 400 || res.status === 404, `${path} → ${res.status}`);
    assert.ok(!res.body.includes(SECRET), `${path} leaked the secret`);
  }
});

test("requestKey rejects malformed targets", () => {
  for (const t of ["secret", "//x", "/a/../b", "/a/./b", "/a//b", "/%2e%2e/x", "/a%00b", "/a%5cb", "/a\\b", "/%252e", "/%E0%A4%A"]) assert.equal(requestKey(t), null, t);
  assert.deepEqual(requestKey("/results/a%20b.json?x=1"), { path: "/results/a b.json" });
});

test("buildFileMap follows no symlink out of its root and skips dotfiles and unknown extensions", () => {
  const map = buildFileMap(join(root, "results"), [".json"]);
  assert.deepEqual([...map.keys()].sort(), ["link-in.json", "sub/nested.json", "table1.json"]);
  assert.equal(buildFileMap(join(root, "missing"), [".json"]).size, 0);
});

test("no CORS headers; strict security headers; only GET and HEAD", async () => {
  for (const path of ["/", "/results/table1.json", "/api/results", "/nope"]) {
    const res = await get(path, { Origin: "http://evil.example" });
    assert.equal(res.headers["access-control-allow-origin"], undefined, path);
    assert.equal(res.headers["access-control-allow-credentials"], undefined, path);
    assert.match(String(res.headers["content-security-policy"]), /default-src 'self'/);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["cross-origin-opener-policy"], "same-origin");
  }
  assert.equal((await get("/results/table1.json", {}, "POST")).status, 405);
  assert.equal((await get("/results/table1.json", {}, "OPTIONS")).status, 405);
  const head = await get("/results/table1.json", {}, "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body, "");
});

test("a request naming a non-loopback host is refused while bound to loopback (DNS rebinding)", async () => {
  assert.equal((await get("/results/table1.json", { Host: "evil.example" })).status, 403);
  assert.equal((await get("/results/table1.json", { Host: `192.168.1.20:${srv.port}` })).status, 403);
  assert.equal((await get("/results/table1.json", { Host: `localhost:${srv.port}` })).status, 200);
  assert.equal((await get("/results/table1.json", { Host: `[::1]:${srv.port}` })).status, 200);
});

test("a non-loopback bind needs --host and prints a warning; bad flags are usage errors", async (t) => {
  const bad = lfl("dashboard", "--port", "70000");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port must be ≤ 65535/);
  const help = lfl("dashboard", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--host H/);
  assert.match(help.stdout, /default 127\.0\.0\.1/);
  if (!existsSync(join(ROOT, "dashboard", "dist", "index.html"))) {
    t.skip("dashboard/dist is not built (npm ci builds it); the --host 0.0.0.0 start is not tried");
    return;
  }
  // --host 0.0.0.0 (an empty results dir, for the second it listens): the warning, then the URL.
  const empty = mkdtempSync(join(tmpdir(), "lfl-dash-empty-"));
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "dashboard", "--no-build", "--host", "0.0.0.0", "--port", "0", "--results", empty, "--runs", empty], { cwd: ROOT });
  let out = "", err = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line; stderr: ${err}`)), 20000);
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      if (out.includes("open http")) { clearTimeout(timer); resolve(); }
    });
  }).finally(() => child.kill("SIGTERM"));
  assert.match(err, /WARNING: binding to 0\.0\.0\.0, not loopback/);
  rmSync(empty, { recursive: true, force: true });
});

test("the runs API and server-sent events carry the progress files", async () => {
  const runs = JSON.parse((await get("/api/runs")).body) as { runs: { runId: string; etaSeconds: number | null }[] };
  assert.equal(runs.runs[0]!.runId, "t3");
  assert.ok(runs.runs[0]!.etaSeconds! > 0, "ETA estimated from elapsed time per finished cell");
  const events: string[] = await new Promise((resolve, reject) => {
    const seen: string[] = [];
    const req = request({ host: "127.0.0.1", port: srv.port, path: "/api/runs/events" }, (res) => {
      assert.equal(res.headers["content-type"], "text/event-stream; charset=utf-8");
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        seen.push(chunk);
        if (seen.length === 1) {
          writeProgressFile(join(root, "runs", "progress"), { runId: "t3", command: "lfl reproduce table3", status: "done", startedAt: new Date().toISOString(), cells: { total: 4, done: 4, running: 0, failed: 0 } });
        } else {
          req.destroy();
          resolve(seen);
        }
      });
    });
    req.on("error", (e) => (seen.length >= 2 ? undefined : reject(e)));
    req.end();
  });
  assert.match(events[0]!, /^event: progress\ndata: .*"status":"running"/);
  assert.match(events[1]!, /^event: progress\ndata: .*"status":"done"/);
});

test("progress files are validated", () => {
  assert.throws(() => parseProgress({ format: "lfl-progress", formatVersion: 1, runId: "../x", command: "c", status: "running", startedAt: "", updatedAt: "", cells: { total: 1, done: 0, running: 0, failed: 0 } }, "p.json"), /runId/);
  assert.throws(() => parseProgress({ format: "lfl-progress", formatVersion: 1, runId: "x", command: "c", status: "running", startedAt: "", updatedAt: "", cells: { total: 1, done: 2, running: 0, failed: 0 } }, "p.json"), /exceeds total/);
});
