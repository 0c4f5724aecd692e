import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { RespClient, parseRedisUrl } from "./resp-client.ts";

/** A fake server: collects each request's raw bytes and answers with `reply(n)` written in `chunk`-byte pieces. */
async function fakeServer(reply: (n: number) => string | undefined, chunk = 1): Promise<{ server: Server; url: string; requests: string[]; sockets: Socket[] }> {
  const requests: string[] = [];
  const sockets: Socket[] = [];
  const server = createServer((s: Socket) => {
    sockets.push(s);
    let n = 0;
    s.on("data", (d) => {
      requests.push(d.toString());
      const r = reply(n++);
      if (r === undefined) return; // no answer (a blocking command)
      const bytes = Buffer.from(r);
      // Deliberately fragmented: the client must reassemble replies split anywhere.
      (async () => {
        for (let i = 0; i < bytes.length; i += chunk) {
          s.write(bytes.subarray(i, i + chunk));
          await new Promise((r) => setImmediate(r));
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`, requests, sockets };
}

test("RESP2 replies are decoded: strings, integers, nulls, nested arrays, errors inside arrays; byte-split input", async () => {
  const replies = ["+OK\r\n", ":-42\r\n", "$-1\r\n", "$5\r\nhé\r\n\r\n", "*3\r\n$1\r\na\r\n*2\r\n:1\r\n-ERR inner\r\n*-1\r\n", "-NOSCRIPT no such script\r\n", "$0\r\n\r\n"];
  const { server, url, requests } = await fakeServer((n) => replies[n]!);
  const c = new RespClient(url);
  try {
    await c.connect();
    assert.equal(await c.send("SET", ["k", "v"]), "OK");
    assert.equal(await c.send("INCRBY", ["k", -42]), -42);
    assert.equal(await c.send("GET", ["missing"]), null);
    assert.equal(await c.send("GET", ["utf8"]), "hé\r\n");
    const arr = (await c.send("EXEC")) as unknown[];
    assert.equal(arr[0], "a");
    assert.equal((arr[1] as unknown[])[0], 1);
    assert.ok((arr[1] as unknown[])[1] instanceof Error);
    assert.equal(((arr[1] as unknown[])[1] as Error).message, "ERR inner");
    assert.equal(arr[2], null);
    await assert.rejects(c.send("EVALSHA", ["x", 0]), /NOSCRIPT no such script/);
    assert.equal(await c.send("GET", ["empty"]), "");
    // Requests are RESP arrays of bulk strings (lengths in bytes).
    assert.equal(requests[0], "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    assert.equal(requests[1], "*3\r\n$6\r\nINCRBY\r\n$1\r\nk\r\n$3\r\n-42\r\n");
  } finally {
    c.close();
    server.close();
  }
});

test("pipelined requests are answered in order; a lost connection rejects what is pending and calls onclose", async () => {
  // One reply per request, even when several requests arrive in one TCP read.
  let next = 0;
  const { server, url, sockets } = await fakeServer((n) => (n < 1 ? ":0\r\n:1\r\n:2\r\n:3\r\n" : undefined), 3);
  const c = new RespClient(url);
  let closed: Error | undefined;
  c.onclose = (e) => { closed = e; };
  try {
    await c.connect();
    // The four requests are written before any reply is read; the replies resolve them in order.
    const results = await Promise.all([0, 1, 2, 3].map(() => c.send("INCR", [`x${next++}`])));
    assert.deepEqual(results, [0, 1, 2, 3]);
    const pending = c.send("BLPOP", ["never", 0]);
    await new Promise((r) => setTimeout(r, 50));
    for (const s of sockets) s.destroy();
    await assert.rejects(pending, /Connection closed/);
    assert.equal(c.connected, false);
    assert.ok(closed instanceof Error && /Connection closed/.test(closed.message));
    await assert.rejects(c.send("PING"), /Connection closed/);
  } finally {
    c.close();
    server.close();
  }
});

test("connecting to a closed port fails with a connection error naming the address", async () => {
  const c = new RespClient("redis://127.0.0.1:1", { connectTimeoutMs: 2000 });
  await assert.rejects(c.connect(), /Connection closed: cannot connect to 127\.0\.0\.1:1/);
});

test("redis:// URLs: host, port, password, user, database; other schemes refused", () => {
  assert.deepEqual(parseRedisUrl("redis://10.0.0.1:6380"), { host: "10.0.0.1", port: 6380 });
  assert.deepEqual(parseRedisUrl("redis://h"), { host: "h", port: 6379 });
  assert.deepEqual(parseRedisUrl("redis://:s%40cret@h:1/2"), { host: "h", port: 1, password: "s@cret", db: 2 });
  assert.deepEqual(parseRedisUrl("redis://u:p@h:1"), { host: "h", port: 1, user: "u", password: "p" });
  assert.throws(() => parseRedisUrl("rediss://h:1"), /only redis:\/\/ is supported/);
  assert.throws(() => parseRedisUrl("h:1"), /redis/);
  assert.throws(() => parseRedisUrl("redis://h:1/x"), /database number/);
});
