/**
 * A minimal Redis client (RESP2 over node:net) for BullMQ. BullMQ 6 no longer bundles a Redis driver (ioredis,
 * node-redis and Bun's client are optional peers, and none is a dependency of this project); it accepts any
 * client object shaped like Bun's `RedisClient` — `send(command, args)`, `connected`, `connect()`, `close()`,
 * `duplicate()`, `onconnect` / `onclose` callbacks — and wraps it in its own adapter (reconnection with backoff,
 * Lua scripts by EVALSHA, MULTI/EXEC, blocking pops). This class is exactly that surface, nothing more.
 *
 * Protocol: RESP2 (https://redis.io/docs/latest/develop/reference/protocol-spec/): requests are arrays of bulk
 * strings; replies are simple strings, errors, integers, bulk strings (decoded as UTF-8), arrays, nulls. Replies
 * arrive in request order, so pending requests are a FIFO. An error element inside an array (EXEC) becomes an
 * `Error` value; a top-level error rejects the request.
 */
import { connect as netConnect, type Socket } from "node:net";

export type RespValue = string | number | null | Error | RespValue[];

/** Thrown for the connection itself (refused, timed out, closed): message starts with "Connection closed". */
export class RespConnectionError extends Error {}

interface Pending {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
}

/** Parses one RESP value at `pos`; returns undefined when the buffer does not yet hold all of it. */
function parseValue(buf: Buffer, pos: number): { value: RespValue; next: number } | undefined {
  if (pos >= buf.length) return undefined;
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return undefined;
  const type = buf[pos]!;
  const line = buf.toString("utf8", pos + 1, eol);
  switch (type) {
    case 0x2b: // '+'
      return { value: line, next: eol + 2 };
    case 0x2d: // '-'
      return { value: new Error(line), next: eol + 2 };
    case 0x3a: // ':'
      return { value: Number(line), next: eol + 2 };
    case 0x24: { // '$'
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + n + 2) return undefined;
      return { value: buf.toString("utf8", eol + 2, eol + 2 + n), next: eol + 2 + n + 2 };
    }
    case 0x2a: { // '*'
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      const items: RespValue[] = [];
      let p = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parseValue(buf, p);
        if (r === undefined) return undefined;
        items.push(r.value);
        p = r.next;
      }
      return { value: items, next: p };
    }
    default:
      throw new RespConnectionError(`Connection closed: unexpected RESP type byte 0x${type.toString(16)}`);
  }
}

/** Encodes a command as a RESP array of bulk strings. */
function encode(command: string, args: readonly (string | number | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n$${Buffer.byteLength(command)}\r\n${command}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

export interface RespClientOptions {
  /** Give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

/** One connection to a Redis server given by a redis://[user:password@]host:port[/db] URL. */
export class RespClient {
  connected = false;
  onconnect: (() => void) | undefined;
  onclose: ((error?: Error) => void) | undefined;
  onerror: ((error: Error) => void) | undefined;
  private socket: Socket | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private readonly target: { host: string; port: number; user?: string; password?: string; db?: number };

  constructor(readonly url: string, private readonly opts: RespClientOptions = {}) {
    this.target = parseRedisUrl(url);
  }

  /** Opens the connection (AUTH and SELECT if the URL asks), then calls `onconnect`. */
  connect(): Promise<void> {
    const { host, port } = this.target;
    return new Promise<void>((resolve, reject) => {
      const socket = netConnect({ host, port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.setTimeout(this.opts.connectTimeoutMs ?? 5000);
      let opened = false;
      socket.on("timeout", () => {
        if (!opened) socket.destroy(new RespConnectionError(`Connection closed: timed out connecting to ${host}:${port}`));
      });
      socket.on("data", (chunk: Buffer) => {
        try {
          this.onData(chunk);
        } catch (e) {
          socket.destroy(e as Error); // a reply we cannot parse: the stream is lost; pending requests are rejected
        }
      });
      socket.on("error", (e) => {
        if (!opened) reject(new RespConnectionError(`Connection closed: cannot connect to ${host}:${port} (${e.message})`));
      });
      socket.on("close", (hadError) => {
        const wasConnected = this.connected;
        this.connected = false;
        this.socket = undefined;
        const err = new RespConnectionError(`Connection closed${hadError ? " with an error" : ""} (${host}:${port})`);
        for (const p of this.pending.splice(0)) p.reject(err);
        // The owner may have stopped listening (BullMQ's adapter re-emits this as an 'error' event): a lost
        // connection must not become an uncaught exception; the owner learns of it from its next command.
        if (wasConnected) {
          try {
            this.onclose?.(err);
          } catch { /* nobody listening */ }
        }
      });
      socket.on("connect", () => {
        socket.setTimeout(0);
        socket.setKeepAlive(true, 10_000);
        opened = true;
        this.connected = true;
        const setup: Promise<unknown>[] = [];
        if (this.target.password !== undefined) setup.push(this.send("AUTH", this.target.user !== undefined ? [this.target.user, this.target.password] : [this.target.password]));
        if (this.target.db !== undefined) setup.push(this.send("SELECT", [String(this.target.db)]));
        Promise.all(setup).then(() => {
          this.onconnect?.();
          resolve();
        }, (e: Error) => {
          socket.destroy();
          reject(e);
        });
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    for (;;) {
      const r = parseValue(this.buf, pos);
      if (r === undefined) break;
      pos = r.next;
      const p = this.pending.shift();
      if (p === undefined) continue;
      if (r.value instanceof Error) p.reject(r.value);
      else p.resolve(r.value);
    }
    this.buf = pos === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
  }

  /** Sends one command; resolves to its decoded reply (rejects on a Redis error reply or a lost connection). */
  send(command: string, args: readonly (string | number | Buffer)[] = []): Promise<any> {
    const socket = this.socket;
    if (socket === undefined || !this.connected) return Promise.reject(new RespConnectionError("Connection closed."));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      socket.write(encode(command, args));
    });
  }

  close(): void {
    this.socket?.end();
    this.socket?.destroy();
  }

  disconnect(): void {
    this.close();
  }

  /** A new, unconnected client for the same server. */
  async duplicate(): Promise<RespClient> {
    return new RespClient(this.url, this.opts);
  }
}

/** Parses redis://[user:password@]host[:port][/db]. */
export function parseRedisUrl(url: string): { host: string; port: number; user?: string; password?: string; db?: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`not a redis:// URL: '${url}'`);
  }
  if (u.protocol !== "redis:") throw new RangeError(`not a redis:// URL: '${url}' (only redis:// is supported)`);
  const t: { host: string; port: number; user?: string; password?: string; db?: number } = { host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: u.port === "" ? 6379 : Number(u.port) };
  if (u.password !== "") t.password = decodeURIComponent(u.password);
  if (u.username !== "" && u.password !== "") t.user = decodeURIComponent(u.username);
  const db = u.pathname.replace(/^\//, "");
  if (db !== "") {
    if (!/^\d+$/.test(db)) throw new RangeError(`redis URL '${url}': the path must be a database number`);
    t.db = Number(db);
  }
  return t;
}
