/**
 * Typed errors: each has a stable `code` and carries what was wrong.
 *
 * @module
 */

/**
 * Base class of every error the library throws on purpose.
 *
 * @example
 * ```ts
 * import { ChargePointError } from "./errors.ts";
 * try { throw new ChargePointError("INVALID_ARGUMENT", "bad"); } catch (e) {
 *   if (e instanceof ChargePointError) console.log(e.code);
 * }
 * ```
 */
export class ChargePointError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** Creates an error with `code` and a human-readable `message`. */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = "ChargePointError";
  }
}

/**
 * A handler was called with an invalid argument; nothing was appended to the log.
 *
 * @example
 * ```ts
 * import { InvalidArgumentError } from "./errors.ts";
 * const e = new InvalidArgumentError("connector", 9, "connector 9 does not exist (1..2)");
 * console.log(e.code, e.argument, e.value);
 * ```
 */
export class InvalidArgumentError extends ChargePointError {
  /** Name of the offending argument. */
  readonly argument: string;
  /** The offending value. */
  readonly value: unknown;
  /** `argument` names the parameter, `value` is what was passed. */
  constructor(argument: string, value: unknown, message: string) {
    super("INVALID_ARGUMENT", `Invalid ${argument}: ${message}`);
    this.name = "InvalidArgumentError";
    this.argument = argument;
    this.value = value;
  }
}

/**
 * The event store could not persist or read an event (disk full, read-only, corrupt).
 *
 * @example
 * ```ts
 * import { StorageError } from "./errors.ts";
 * const e = new StorageError("STORAGE_WRITE_FAILED", "disk full");
 * ```
 */
export class StorageError extends ChargePointError {
  /** `code` is one of STORAGE_WRITE_FAILED, STORAGE_READ_FAILED, STORAGE_CORRUPT, STORAGE_CONFLICT. */
  constructor(
    code: "STORAGE_WRITE_FAILED" | "STORAGE_READ_FAILED" | "STORAGE_CORRUPT" | "STORAGE_CONFLICT",
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.name = "StorageError";
  }
}

/**
 * The charge point is not in a state that allows the call (e.g. a handler before `start()`).
 *
 * @example
 * ```ts
 * import { StateError } from "./errors.ts";
 * const e = new StateError("NOT_STARTED", "call start() first");
 * ```
 */
export class StateError extends ChargePointError {
  /** `code` says which precondition failed. */
  constructor(code: "NOT_STARTED" | "ALREADY_STARTED" | "STOPPED", message: string) {
    super(code, message);
    this.name = "StateError";
  }
}
