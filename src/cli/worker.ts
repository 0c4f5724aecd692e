/**
 * `lfl worker --queue redis://HOST:PORT [--jobs N]`: runs sweep cells from a Redis queue on this machine until
 * stopped (Ctrl-C / SIGTERM: finishes the running cells first; a second signal abandons them, and the queue
 * re-runs them elsewhere). See docs/scaling.md.
 */
import { availableParallelism, hostname } from "node:os";
import { InputError } from "../core/errors.ts";
import { checkQueueUrl } from "../experiments/sweep/queue-connection.ts";
import { runQueueWorker } from "../experiments/sweep/redis-worker.ts";
import { intFlag, parseCommandArgs, type Command } from "./command.ts";

const USAGE = `lfl worker --queue redis://HOST:PORT [--jobs N] [--work-dir DIR] [--lock-seconds S]

  Takes cells from the queue that 'lfl reproduce NAME --queue redis://HOST:PORT' fills and runs up to N at a
  time, each in its own process (default N: this machine's cores, ${availableParallelism()} here). Runs until stopped:
  Ctrl-C or SIGTERM lets the running cells finish; a second one abandons them (the queue re-runs them on
  another worker once their lock expires). Every worker must run the same git revision as the submitter.

  --queue URL         the Redis server (redis://[user:password@]host:port[/db])
  --jobs N            cells at a time
  --work-dir DIR      where cells keep their large intermediates on this host (default $LFL_WORK_DIR or
                      <tmp>/lfl-cells)
  --lock-seconds S    a cell of a worker that died is re-queued after S seconds without a lock renewal
                      (default 30)`;

export const command: Command = {
  name: "worker",
  summary: "run sweep cells from a Redis queue (--queue redis://HOST:PORT) on this machine",
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const { values: v, positionals } = parseCommandArgs("worker", argv, {
      queue: { type: "string" },
      jobs: { type: "string" },
      "work-dir": { type: "string" },
      "lock-seconds": { type: "string" },
    });
    if (positionals.length > 0) throw new InputError("E_USAGE", `worker: unexpected argument '${positionals[0]}' (see 'lfl worker --help')`);
    if (v.queue === undefined) throw new InputError("E_USAGE", "worker: --queue redis://HOST:PORT is required");
    checkQueueUrl(v.queue);
    const jobs = intFlag("jobs", v.jobs, availableParallelism(), 1);
    const lockSeconds = intFlag("lock-seconds", v["lock-seconds"], 30, 1);
    const log = (line: string): void => void process.stderr.write(`worker ${hostname()}:${process.pid}: ${line}\n`);
    const opts: Parameters<typeof runQueueWorker>[0] = { url: v.queue, jobs, lockDurationMs: lockSeconds * 1000, log };
    if (v["work-dir"] !== undefined) opts.workRoot = v["work-dir"];
    const worker = await runQueueWorker(opts);
    log(`ready: ${jobs} job(s) from ${v.queue}`);
    await new Promise<void>((resolve) => {
      let stops = 0;
      const stop = (signal: string): void => {
        stops++;
        log(stops === 1 ? `${signal}: finishing the running cells (again to abandon them)` : `${signal}: abandoning the running cells`);
        worker.close(stops > 1).then(resolve, resolve);
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
    log(`stopped after ${worker.finished} cell(s)`);
    return 0;
  },
};
