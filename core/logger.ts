/**
 * The logging port. The library never configures logging; it writes to the logger it is given
 * (a `@logtape/logtape` logger fits structurally). The default discards everything, but the
 * charge point always keeps its last lines in a {@linkcode LogRing} (for the diagnostics
 * archive).
 *
 * @module
 */

/**
 * Where the library writes what it ignored, dropped or failed at.
 *
 * @example
 * ```ts
 * import type { Logger } from "./logger.ts";
 * const lines: string[] = [];
 * const logger: Logger = {
 *   debug: (m) => lines.push(m), info: (m) => lines.push(m),
 *   warn: (m) => lines.push(m), error: (m) => lines.push(m),
 * };
 * ```
 */
export interface Logger {
  /** Detail useful while debugging. */
  debug(message: string, properties?: Record<string, unknown>): void;
  /** Normal operation. */
  info(message: string, properties?: Record<string, unknown>): void;
  /** Something was ignored or dropped. */
  warn(message: string, properties?: Record<string, unknown>): void;
  /** Something failed. */
  error(message: string, properties?: Record<string, unknown>): void;
}

/**
 * A logger that discards everything.
 *
 * @example
 * ```ts
 * import { silentLogger } from "./logger.ts";
 * silentLogger.info("nothing happens");
 * ```
 */
export const silentLogger: Logger = {
  debug(): void {},
  info(): void {},
  warn(): void {},
  error(): void {},
};

/**
 * One line the library logged, as kept by {@linkcode LogRing}.
 *
 * @example
 * ```ts
 * import type { LogLine } from "./logger.ts";
 * const line: LogLine = { at: "2026-01-01T00:00:00.000Z", level: "warn", message: "frame not sent" };
 * ```
 */
export interface LogLine {
  /** When (RFC 3339, on the central system's clock like every timestamp the library makes). */
  readonly at: string;
  /** Level. */
  readonly level: "debug" | "info" | "warn" | "error";
  /** The message. */
  readonly message: string;
  /** The properties, made plain text (errors as `name: message`). */
  readonly properties?: Readonly<Record<string, string>>;
}

/** Lines a {@linkcode LogRing} keeps by default. */
export const DEFAULT_LOG_RING_LINES = 2000;

/**
 * A bounded, time-stamped memory of the library's log lines: a {@linkcode Logger} that keeps the
 * last `capacity` lines (the oldest are forgotten) and passes every line on to `inner` (the
 * user's logger). The diagnostics upload puts the requested window of it into the archive.
 *
 * @example
 * ```ts
 * import { LogRing, silentLogger } from "./logger.ts";
 * const ring = new LogRing(silentLogger, () => Date.parse("2026-01-01T00:00:00Z"), 100);
 * ring.warn("frame not sent", { error: new Error("closed") });
 * console.log(ring.lines()[0].properties); // { error: "Error: closed" }
 * ```
 */
export class LogRing implements Logger {
  readonly #inner: Logger;
  readonly #now: () => number;
  readonly #capacity: number;
  #lines: LogLine[] = [];
  /** Index of the oldest line once the ring is full. */
  #start = 0;

  /** Keeps `capacity` lines stamped with `now()` (ms since the epoch) and forwards to `inner`. */
  constructor(inner: Logger, now: () => number, capacity: number = DEFAULT_LOG_RING_LINES) {
    this.#inner = inner;
    this.#now = now;
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  /** Detail useful while debugging. */
  debug(message: string, properties?: Record<string, unknown>): void {
    this.#keep("debug", message, properties);
    this.#inner.debug(message, properties);
  }

  /** Normal operation. */
  info(message: string, properties?: Record<string, unknown>): void {
    this.#keep("info", message, properties);
    this.#inner.info(message, properties);
  }

  /** Something was ignored or dropped. */
  warn(message: string, properties?: Record<string, unknown>): void {
    this.#keep("warn", message, properties);
    this.#inner.warn(message, properties);
  }

  /** Something failed. */
  error(message: string, properties?: Record<string, unknown>): void {
    this.#keep("error", message, properties);
    this.#inner.error(message, properties);
  }

  /** The lines kept, oldest first. */
  lines(): LogLine[] {
    return [...this.#lines.slice(this.#start), ...this.#lines.slice(0, this.#start)];
  }

  #keep(level: LogLine["level"], message: string, properties?: Record<string, unknown>): void {
    let at: string;
    try {
      at = new Date(this.#now()).toISOString();
    } catch (_error) {
      at = new Date(0).toISOString(); // a time source that fails must not stop logging
    }
    const line: LogLine = {
      at,
      level,
      message: String(message),
      ...(properties === undefined ? {} : { properties: plainProperties(properties) }),
    };
    if (this.#lines.length < this.#capacity) {
      this.#lines.push(line);
      return;
    }
    this.#lines[this.#start] = line;
    this.#start = (this.#start + 1) % this.#capacity;
  }
}

/** Properties as text: errors as `name: message`, strings as they are, the rest as JSON. */
function plainProperties(properties: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value instanceof Error) out[key] = `${value.name}: ${value.message}`;
    else if (typeof value === "string") out[key] = value;
    else {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (_error) {
        text = undefined;
      }
      out[key] = text ?? String(value);
    }
  }
  return out;
}
