// Two hosts on one machine: the workers run in their own network namespace and reach Redis (on this "host")
// over a veth pair, so every byte between them crosses a real network interface. Same checks as the loopback
// test: one worker SIGKILLed mid-cell, every cell finishes exactly once, results equal the local run.
// Needs root and iproute2 (`ip netns`); the test creates the namespace and the veth pair and removes them.
import { after, before, describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killScenario, redisSkipReason, startRedis, type RedisServer, type WorkerProcess } from "./sweep-redis-server.ts";

const NS = `lfl-sweep-${process.pid}`;
const HOST_IF = `lflh${process.pid}`.slice(0, 15);
const NS_IF = `lfln${process.pid}`.slice(0, 15);
const SUBNET = `10.231.${process.pid % 250}`;
const HOST_IP = `${SUBNET}.1`;

const ip = (...args: string[]) => spawnSync("ip", args, { encoding: "utf8" });

function skipReason(): string | undefined {
  const redis = redisSkipReason();
  if (redis !== undefined) return redis;
  if (process.getuid?.() !== 0) return "not root: creating a network namespace and a veth pair needs root";
  if (ip("-V").error) return "iproute2's `ip` is missing (apt-get install iproute2)";
  const probe = ip("netns", "add", NS);
  if (probe.status !== 0) return `'ip netns add' failed here (${probe.stderr.trim()}): no network namespaces in this sandbox`;
  return undefined;
}

function run(...args: string[]): void {
  const r = ip(...args);
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
}

const skip = skipReason();

describe("sweeps on Redis across a veth pair (workers in their own network namespace)", { skip }, () => {
  let redis: RedisServer | undefined;
  let work: string;
  let workers: WorkerProcess[] = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "lfl-sweep-netns-"));
    run("link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
    run("link", "set", NS_IF, "netns", NS);
    run("addr", "add", `${HOST_IP}/24`, "dev", HOST_IF);
    run("link", "set", HOST_IF, "up");
    run("netns", "exec", NS, "ip", "addr", "add", `${SUBNET}.2/24`, "dev", NS_IF);
    run("netns", "exec", NS, "ip", "link", "set", NS_IF, "up");
    run("netns", "exec", NS, "ip", "link", "set", "lo", "up");
    redis = await startRedis(HOST_IP); // listens only on the veth address: loopback cannot reach it
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    ip("link", "del", HOST_IF); // also removes the peer
    ip("netns", "del", NS);
    rmSync(work, { recursive: true, force: true });
  });

  test("two workers in the namespace, one SIGKILLed mid-cell: every cell finishes exactly once, results equal the local run", async () => {
    workers = await killScenario({ url: redis!.url, work, wrap: ["ip", "netns", "exec", NS] });
  });
});

// Never leave the namespace or the veth pair behind, even if the test process dies before `after` runs.
process.on("exit", () => {
  if (skip !== undefined) return;
  ip("link", "del", HOST_IF);
  ip("netns", "del", NS);
});
