import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOutputPaths, NODE_FS, writeFileAtomic, writeFileSet, type AtomicFs } from "./atomic-file.ts";
import { InputError, NumericalError } from "./errors.ts";

const fresh = (): string => mkdtempSync(join(tmpdir(), "lfl-atomic-"));
const temps = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith(".tmp"));

type Op = "openSync" | "writeSync" | "fsyncSync" | "closeSync" | "renameSync" | "linkSync";

/** node:fs with the `nth` call (1-based) of `op` on a path matching `match` failing with errno `code`. */
function faulty(op: Op, code: string, nth = 1, match: (arg: unknown) => boolean = () => true): AtomicFs {
  let calls = 0;
  const fail = (): never => {
    throw Object.assign(new Error(`${code}: injected fault, ${op}`), { code });
  };
  const wrap = <A extends unknown[], R>(name: Op, f: (...a: A) => R) => (...a: A): R => {
    if (name === op && match(a[0]) && ++calls === nth) fail();
    return f(...a);
  };
  return {
    ...NODE_FS,
    openSync: wrap("openSync", NODE_FS.openSync),
    writeSync: wrap("writeSync", NODE_FS.writeSync),
    fsyncSync: wrap("fsyncSync", NODE_FS.fsyncSync),
    closeSync: wrap("closeSync", NODE_FS.closeSync),
    renameSync: wrap("renameSync", NODE_FS.renameSync),
    linkSync: wrap("linkSync", NODE_FS.linkSync),
  };
}

function assertFileError(e: unknown, path: string, reason: string): true {
  assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
  assert.equal(e.code, "E_FILE");
  assert.ok(!e.message.includes("\n"), e.message);
  assert.ok(e.message.includes(path), `'${e.message}' names ${path}`);
  assert.ok(e.message.includes(reason), `'${e.message}' gives the reason ${reason}`);
  return true;
}

test("writeFileAtomic creates and replaces files, leaving no temp", () => {
  const dir = fresh();
  const p = join(dir, "out.json");
  writeFileAtomic(p, "one\n");
  assert.equal(readFileSync(p, "utf8"), "one\n");
  writeFileAtomic(p, Uint8Array.of(1, 2, 3));
  assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
  writeFileAtomic(p, (sink) => { sink(Buffer.from("a")); sink(Buffer.from("b")); });
  assert.equal(readFileSync(p, "utf8"), "ab");
  assert.deepEqual(temps(dir), []);
  rmSync(dir, { recursive: true });
});

test("every injected write/fsync/rename fault (ENOSPC, EROFS, ENOENT) leaves the old file byte-identical and no temp", () => {
  const dir = fresh();
  const p = join(dir, "reward.json");
  const old = Buffer.from('{"old": true}\n');
  const ops: Op[] = ["openSync", "writeSync", "fsyncSync", "closeSync", "renameSync"];
  for (const op of ops) {
    for (const code of ["ENOSPC", "EROFS", "ENOENT"]) {
      writeFileSync(p, old);
      assert.throws(() => writeFileAtomic(p, "x".repeat(100_000), { fs: faulty(op, code) }), (e) => assertFileError(e, p, code));
      assert.deepEqual(readFileSync(p), old, `${op} ${code}: the old file is byte-identical`);
      assert.deepEqual(temps(dir), [], `${op} ${code}: no temp remains`);
    }
  }
  rmSync(dir, { recursive: true });
});

test("an exception from the data producer removes the temp and passes through unchanged", () => {
  const dir = fresh();
  const p = join(dir, "h.npz");
  writeFileSync(p, "old");
  const boom = new NumericalError("reward[3] is NaN");
  assert.throws(() => writeFileAtomic(p, (sink) => { sink(Buffer.from("partial")); throw boom; }), (e) => e === boom);
  const bug = new TypeError("a bug");
  assert.throws(() => writeFileAtomic(p, () => { throw bug; }), (e) => e === bug);
  assert.equal(readFileSync(p, "utf8"), "old");
  assert.deepEqual(temps(dir), []);
  rmSync(dir, { recursive: true });
});

test("a temp orphaned by a dead process is removed by the next write; a live process's temp is kept", () => {
  const dir = fresh();
  const p = join(dir, "x.npz");
  const orphan = join(dir, ".x.npz.4194999.123.tmp"); // above Linux's pid_max: never alive
  const mine = join(dir, `.x.npz.${process.pid}.1.tmp`);
  writeFileSync(orphan, "junk");
  writeFileSync(mine, "in progress");
  writeFileAtomic(p, "new");
  assert.equal(existsSync(orphan), false);
  assert.equal(existsSync(mine), true);
  rmSync(dir, { recursive: true });
});

test("writeFileSet replaces all members or none: a fault in the write or the rename phase keeps the old set whole", () => {
  const dir = fresh();
  const set = ["t.json", "t.md", "t.svg"].map((n) => join(dir, n));
  const fresh3 = join(dir, "new.txt"); // did not exist before: must stay absent on failure
  const reset = (): void => set.forEach((p, k) => writeFileSync(p, `old ${k}`));
  const members = () => [...set.map((path, k) => ({ path, data: `new ${k}` })), { path: fresh3, data: "new" }];
  const assertOld = (what: string): void => {
    set.forEach((p, k) => assert.equal(readFileSync(p, "utf8"), `old ${k}`, `${what}: ${p}`));
    assert.equal(existsSync(fresh3), false, `${what}: no new member appeared`);
    assert.deepEqual(temps(dir), [], `${what}: no temp or backup remains`);
  };
  const isTemp = (a: unknown) => String(a).endsWith(".tmp");
  for (const [op, nth, match] of [["writeSync", 3, () => true], ["fsyncSync", 2, () => true], ["renameSync", 1, isTemp], ["renameSync", 3, isTemp], ["renameSync", 4, isTemp], ["linkSync", 2, () => true]] as const) {
    for (const code of ["ENOSPC", "EROFS", "ENOENT"]) {
      reset();
      assert.throws(() => writeFileSet(members(), { fs: faulty(op, code, nth, match) }), (e) => e instanceof InputError && e.code === "E_FILE" && e.message.includes(code), `${op} #${nth} ${code}`);
      assertOld(`${op} #${nth} ${code}`);
    }
  }
  reset();
  writeFileSet(members());
  set.forEach((p, k) => assert.equal(readFileSync(p, "utf8"), `new ${k}`));
  assert.equal(readFileSync(fresh3, "utf8"), "new");
  assert.deepEqual(temps(dir), []);
  assert.throws(() => writeFileSet([{ path: set[0]!, data: "a" }, { path: set[0]!, data: "b" }]), (e) => assertFileError(e, set[0]!, "twice"));
  rmSync(dir, { recursive: true });
});

test("checkOutputPaths refuses missing, non-directory and unwritable parents, directories, inputs and duplicates", () => {
  const dir = fresh();
  const input = join(dir, "h.npz");
  writeFileSync(input, "history");
  const notDir = join(dir, "file");
  writeFileSync(notDir, "");
  mkdirSync(join(dir, "sub"));
  checkOutputPaths([join(dir, "r.json"), undefined, join(dir, "sub", "r.json")], [input, undefined]);
  assert.deepEqual(temps(dir), [], "the write probe is removed");
  const refuses = (outputs: string[], inputs: string[], path: string, reason: string, fs?: AtomicFs): void => {
    assert.throws(() => checkOutputPaths(outputs, inputs, fs ? { fs } : {}), (e) => assertFileError(e, path, reason));
  };
  refuses(["/nonexistent-lfl/r.json"], [], "/nonexistent-lfl/r.json", "no such file or directory");
  refuses([join(notDir, "r.json")], [], join(notDir, "r.json"), "not a directory");
  refuses([join(dir, "sub")], [], join(dir, "sub"), "is a directory");
  refuses([input], [input], input, "destroy the input");
  refuses([join(dir, "sub", "..", "h.npz")], [input], "h.npz", "destroy the input");
  symlinkSync(input, join(dir, "link.npz"));
  refuses([join(dir, "link.npz")], [input], "link.npz", "destroy the input");
  linkSync(input, join(dir, "hard.npz"));
  refuses([join(dir, "hard.npz")], [input], "hard.npz", "destroy the input");
  refuses([join(dir, "a.json"), join(dir, ".", "a.json")], [], "a.json", "given twice");
  refuses([join(dir, "r.json")], [], dir, "EROFS", faulty("openSync", "EROFS"));
  refuses([join(dir, "r.json")], [], dir, "EACCES", faulty("openSync", "EACCES"));
  rmSync(dir, { recursive: true });
});

/** Mounts a tmpfs of `size` at a fresh directory, or returns the reason it cannot. */
function mountTmpfs(size: string): { dir: string; unmount: () => void } | string {
  if (process.platform !== "linux") return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return "not running as root";
  const dir = fresh();
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "pipe" });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim().split("\n")[0]}`;
  }
  return { dir, unmount: () => { execFileSync("umount", [dir]); rmSync(dir, { recursive: true, force: true }); } };
}

test("on a real 64 KiB tmpfs: ENOSPC and EROFS leave the old file and the old set byte-identical", (t) => {
  const m = mountTmpfs("64k");
  if (typeof m === "string") {
    t.skip(`cannot mount a tmpfs: ${m}; fault injection above covers the same paths`);
    return;
  }
  try {
    const p = join(m.dir, "reward.json");
    const old = Buffer.from(JSON.stringify({ reward: Array.from({ length: 500 }, (_, i) => i / 7) }));
    writeFileAtomic(p, old);
    const big = "9".repeat(200 * 1024);
    assert.throws(() => writeFileAtomic(p, big), (e) => assertFileError(e, p, "ENOSPC"));
    assert.deepEqual(readFileSync(p), old);
    assert.deepEqual(temps(m.dir), []);
    const set = [join(m.dir, "t.json"), join(m.dir, "t.svg")];
    writeFileSet(set.map((path) => ({ path, data: `old ${path}` })));
    assert.throws(() => writeFileSet([{ path: set[0]!, data: "small" }, { path: set[1]!, data: big }]), (e) => assertFileError(e, set[1]!, "ENOSPC"));
    for (const s of set) assert.equal(readFileSync(s, "utf8"), `old ${s}`);
    assert.deepEqual(temps(m.dir), []);
    execFileSync("mount", ["-o", "remount,ro", m.dir]);
    assert.throws(() => writeFileAtomic(p, "x"), (e) => assertFileError(e, p, "EROFS"));
    assert.throws(() => checkOutputPaths([p]), (e) => assertFileError(e, p, "EROFS"));
    assert.deepEqual(readFileSync(p), old);
  } finally {
    m.unmount();
  }
});

test("a symlinked output replaces the link's target; devices such as /dev/null are written directly; a directory target is refused", () => {
  const dir = fresh();
  const real = join(dir, "real.json");
  writeFileSync(real, "old");
  symlinkSync(real, join(dir, "link.json"));
  writeFileAtomic(join(dir, "link.json"), "new");
  assert.equal(readFileSync(real, "utf8"), "new");
  assert.ok(lstatSync(join(dir, "link.json")).isSymbolicLink(), "the link itself stays a link");
  writeFileAtomic("/dev/null", "discarded");
  writeFileSet([{ path: join(dir, "a.md"), data: "a" }, { path: "/dev/null", data: "b" }]);
  assert.equal(readFileSync(join(dir, "a.md"), "utf8"), "a");
  checkOutputPaths(["/dev/null"]);
  mkdirSync(join(dir, "d"));
  assert.throws(() => writeFileAtomic(join(dir, "d"), "x"), (e) => assertFileError(e, join(dir, "d"), "a directory"));
  assert.deepEqual(temps(dir), []);
  rmSync(dir, { recursive: true });
});
