/**
 * Errors with stable codes. The CLI maps `InputError` (bad usage or bad input) to exit code 2 and
 * everything else to exit code 1; messages name what is wrong and where (field, index, array, row).
 */

/** Stable machine-readable error codes. Add new codes at the end; never rename one. */
export type ErrorCode =
  | "E_USAGE" // bad command-line usage
  | "E_INVALID_MDP" // a tabular MDP fails validation
  | "E_INVALID_JSON" // a file is not valid JSON
  | "E_INVALID_HISTORY" // a learning-history file fails validation
  | "E_INVALID_TRAJECTORY" // a trajectory fails validation
  | "E_INVALID_CONFIG" // a config value is out of range
  | "E_INVALID_ARGUMENT" // a function argument is out of range (programming error by the caller)
  | "E_FILE" // a file cannot be read or written
  | "E_NUMERICAL" // NaN/Inf appeared in training
  | "E_ENV" // an environment failed (MuJoCo, bad action, ...)
  | "E_UNKNOWN_ID" // an unregistered env / learner / experiment id
  | "E_INVALID_REWARD" // a reward file fails validation
  | "E_QUEUE" // the sweep queue (Redis) is unreachable or was lost mid-sweep
  | "E_CELL" // a sweep cell failed (its runner threw, its worker died, or it failed on every attempt)
  | "E_TOO_LARGE"; // an input exceeds a budget (file bytes, inflated bytes, dimensions, element counts)

export class LflError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad usage or bad input supplied by the user: the CLI exits with code 2. */
export class InputError extends LflError {}

/** A NaN/Inf appeared during training; `where` names the update and stage. */
export class NumericalError extends LflError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_NUMERICAL", message, options);
  }
}

/** Throws an `InputError` with `code` unless `cond` holds. */
export function check(cond: boolean, code: ErrorCode, message: string | (() => string)): asserts cond {
  if (!cond) throw new InputError(code, typeof message === "string" ? message : message());
}

/** Throws `NumericalError` naming `where` if any entry of `xs` is NaN or ±Inf. */
export function assertFinite(xs: ArrayLike<number>, where: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!)) throw new NumericalError(`non-finite value ${xs[i]} at ${where}[${i}]`);
  }
}
