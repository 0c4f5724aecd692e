/**
 * The one output module: every file the project writes goes through `writeFileAtomic` (one file) or
 * `writeFileSet` (several files that belong together, e.g. a table's .json/.md/.svg), and every command checks
 * its output paths with `checkOutputPaths` before it starts work.
 *
 * Atomic replace (POSIX rename(2) is atomic within one file system):
 *   1. create a temp file `.<name>.<pid>.<n>.tmp` in the target's directory (exclusive create),
 *   2. write all bytes, fsync(2) the temp file, close it,
 *   3. rename(2) the temp over the target, fsync the directory so the rename itself is durable.
 * Any failure (ENOSPC, EROFS, EIO, an exception from a data producer) removes the temp file and leaves the
 * previous target byte-identical. Temps orphaned by a killed process (kill -9 between 1 and 3) are removed by
 * the next successful write of the same target when their pid is no longer alive.
 *
 * Sets: every member is written to its temp and fsynced first; only then are the targets replaced. Before
 * the renames the existing targets are hard-linked to backups, so a failure in the rename phase restores the
 * old set and removes new members that had no predecessor: a failure leaves the OLD set whole.
 *
 * The file-system calls go through an `AtomicFs` (Node's by default) so tests can inject ENOSPC/EROFS/ENOENT
 * at any call without a full disk.
 */
import * as nodeFs from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError, LflError } from "./errors.ts";
import { fsReason } from "./input-limits.ts";
import { printable } from "./printable.ts";

/** The file-system calls the writer makes (a subset of node:fs, synchronous). */
export interface AtomicFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  linkSync(existing: string, created: string): void;
  unlinkSync(path: string): void;
  statSync(path: string): nodeFs.Stats;
  readdirSync(path: string): string[];
}

export const NODE_FS: AtomicFs = {
  openSync: (p, f, m) => nodeFs.openSync(p, f, m),
  writeSync: (fd, b, o, l) => nodeFs.writeSync(fd, b, o, l),
  fsyncSync: (fd) => nodeFs.fsyncSync(fd),
  closeSync: (fd) => nodeFs.closeSync(fd),
  renameSync: (a, b) => nodeFs.renameSync(a, b),
  linkSync: (a, b) => nodeFs.linkSync(a, b),
  unlinkSync: (p) => nodeFs.unlinkSync(p),
  statSync: (p) => nodeFs.statSync(p),
  readdirSync: (p) => nodeFs.readdirSync(p),
};

/** Writes bytes to the open temp file; a producer calls it any number of times. */
export type ByteSink = (bytes: Uint8Array) => void;

/** What to write: text (UTF-8), bytes, or a producer that streams bytes into the sink. */
export type FileData = string | Uint8Array | ((sink: ByteSink) => void);

export interface AtomicWriteOptions {
  /** File-system layer (tests inject faults here). Default: node:fs. */
  fs?: AtomicFs;
  /** Permission bits of a new file (an existing target keeps its own). Default 0o644. */
  mode?: number;
}

export interface FileSetMember {
  readonly path: string;
  readonly data: FileData;
}

/** A temp name beside `path`: hidden, unique per process and call (pid + a nanosecond clock), recognisable as ours. */
export function tempPathFor(path: string): string {
  const base = basename(path).slice(0, 120);
  return join(dirname(path), `.${base}.${process.pid}.${process.hrtime.bigint()}.tmp`);
}

/** An OS error becomes E_FILE naming the path; our own errors (e.g. E_NUMERICAL from a producer) and bugs pass unchanged. */
function fileError(path: string, action: string, e: unknown): unknown {
  if (e instanceof LflError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || !code.startsWith("E")) return e;
  return new InputError("E_FILE", `cannot ${action} ${printable(path)}: ${fsReason(e)}`, { cause: e });
}

/** Writes `data` to the already-open `fd` through `fs`, looping over short writes. */
function writeAll(fs: AtomicFs, fd: number, data: FileData): void {
  const put: ByteSink = (b) => {
    let done = 0;
    while (done < b.length) {
      const n = fs.writeSync(fd, b, done, b.length - done);
      if (!(n > 0)) throw Object.assign(new Error("short write"), { code: "EIO" });
      done += n;
    }
  };
  if (typeof data === "string") put(Buffer.from(data, "utf8"));
  else if (data instanceof Uint8Array) put(data);
  else data(put);
}

export function tryUnlink(fs: AtomicFs, path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // already gone, or the directory became unwritable: nothing more we can do
  }
}

/** Creates, fills and fsyncs a temp file for `path`; returns its name. On failure the temp is removed. */
function writeTemp(fs: AtomicFs, path: string, data: FileData, mode: number): string {
  const tmp = tempPathFor(path);
  let fd: number;
  try {
    let m = mode;
    try {
      m = fs.statSync(path).mode & 0o777; // keep an existing file's permissions
    } catch {
      // a new file
    }
    fd = fs.openSync(tmp, "wx", m);
  } catch (e) {
    throw fileError(path, "write", e);
  }
  try {
    writeAll(fs, fd, data);
    fs.fsyncSync(fd);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // the write error is the one to report
    }
    tryUnlink(fs, tmp);
    throw fileError(path, "write", e);
  }
  try {
    fs.closeSync(fd);
  } catch (e) {
    tryUnlink(fs, tmp);
    throw fileError(path, "write", e);
  }
  return tmp;
}

/** fsync of a directory, so renames in it are durable. File systems that cannot (EINVAL etc.) are skipped. */
function fsyncDir(fs: AtomicFs, dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "ENOTSUP" && code !== "EISDIR" && code !== "EPERM" && code !== "EBADF") {
      throw fileError(dir, "sync the directory", e);
    }
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // nothing to report
    }
  }
}

/** Removes temps of `path` left by processes that no longer exist (e.g. killed with -9 mid-write). */
function removeOrphanTemps(fs: AtomicFs, path: string): void {
  const base = basename(path).slice(0, 120);
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    tryUnlink(fs, join(dirname(path), name));
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists but is not ours
  }
}

/**
 * Where a write to `path` goes: a symbolic link is followed (the link stays, its target is replaced); a
 * character device or FIFO (/dev/stdout, /dev/null, a pipe) is written directly, as there is nothing to
 * replace atomically; a directory or socket is refused.
 */
function resolveTarget(path: string): { path: string; direct: boolean } {
  let real = path;
  try {
    if (nodeFs.lstatSync(path).isSymbolicLink()) real = nodeFs.realpathSync(path);
  } catch {
    return { path, direct: false }; // absent (or a dangling link): a new file
  }
  let st: nodeFs.Stats;
  try {
    st = nodeFs.statSync(real);
  } catch {
    return { path: real, direct: false };
  }
  if (st.isFile()) return { path: real, direct: false };
  if (st.isCharacterDevice() || st.isFIFO()) return { path: real, direct: true };
  throw new InputError("E_FILE", `cannot write ${printable(path)}: it exists and is not a regular file (${st.isDirectory() ? "a directory" : "a socket or block device"})`);
}

/** Writes straight to a device or FIFO (no temp, no rename). */
function writeDirect(fs: AtomicFs, path: string, data: FileData): void {
  let fd: number;
  try {
    fd = fs.openSync(path, "w");
  } catch (e) {
    throw fileError(path, "write", e);
  }
  try {
    writeAll(fs, fd, data);
  } catch (e) {
    throw fileError(path, "write", e);
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // the write error, if any, is the one to report
    }
  }
}

/**
 * Replaces `path` with `data` atomically (see the module comment). Throws `InputError("E_FILE")` naming the
 * path and the reason; on any failure the previous file is untouched and no temp file remains.
 */
export function writeFileAtomic(target: string, data: FileData, options: AtomicWriteOptions = {}): void {
  const fs = options.fs ?? NODE_FS;
  const { path, direct } = resolveTarget(target);
  if (direct) return writeDirect(fs, path, data);
  const tmp = writeTemp(fs, path, data, options.mode ?? 0o644);
  try {
    fs.renameSync(tmp, path);
  } catch (e) {
    tryUnlink(fs, tmp);
    throw fileError(path, "write", e);
  }
  fsyncDir(fs, dirname(resolve(path)));
  removeOrphanTemps(fs, path);
}

/**
 * Writes several files as one set: all temps are written and fsynced before any target is replaced, and a
 * failure at any point leaves every previous file as it was (targets that did not exist stay absent).
 */
export function writeFileSet(set: readonly FileSetMember[], options: AtomicWriteOptions = {}): void {
  let members = set;
  const fs = options.fs ?? NODE_FS;
  const seen = new Set<string>();
  for (const m of members) {
    const key = resolve(m.path);
    if (seen.has(key)) throw new InputError("E_FILE", `output ${printable(m.path)} appears twice in one file set`);
    seen.add(key);
  }
  const targets = members.map((m) => ({ ...resolveTarget(m.path), data: m.data }));
  // Devices and pipes have nothing to replace: they are written after the regular files have been replaced.
  const devices = targets.filter((t) => t.direct);
  const writeDevices = (): void => devices.forEach((t) => writeDirect(fs, t.path, t.data));
  members = targets.filter((t) => !t.direct);
  if (members.length === 0) return writeDevices();
  const temps: string[] = [];
  try {
    for (const m of members) temps.push(writeTemp(fs, m.path, m.data, options.mode ?? 0o644));
  } catch (e) {
    for (const t of temps) tryUnlink(fs, t);
    throw e;
  }
  // Back up existing targets by hard link (no data copied) so the rename phase can be undone.
  const backups: Array<string | null> = [];
  const cleanup = (): void => {
    for (const t of temps) tryUnlink(fs, t);
    for (const b of backups) if (b) tryUnlink(fs, b);
  };
  try {
    for (const m of members) {
      let exists = true;
      try {
        fs.statSync(m.path);
      } catch {
        exists = false;
      }
      if (!exists) {
        backups.push(null);
        continue;
      }
      const b = tempPathFor(m.path);
      fs.linkSync(m.path, b);
      backups.push(b);
    }
  } catch (e) {
    cleanup();
    throw fileError(members[backups.length]?.path ?? members[0]!.path, "write", e);
  }
  let renamed = 0;
  try {
    for (; renamed < members.length; renamed++) fs.renameSync(temps[renamed]!, members[renamed]!.path);
  } catch (e) {
    // Undo: put the old files back (or remove new files that had no predecessor).
    for (let k = 0; k < renamed; k++) {
      const b = backups[k];
      try {
        if (b) fs.renameSync(b, members[k]!.path);
        else fs.unlinkSync(members[k]!.path);
      } catch {
        // best effort; the error below names the member that failed
      }
    }
    cleanup();
    throw fileError(members[renamed]!.path, "write", e);
  }
  for (const b of backups) if (b) tryUnlink(fs, b);
  const dirs = new Set(members.map((m) => dirname(resolve(m.path))));
  for (const d of dirs) fsyncDir(fs, d);
  for (const m of members) removeOrphanTemps(fs, m.path);
  writeDevices();
}

export { checkOutputPaths } from "./output-paths.ts";
