/**
 * The logging port. The library never configures logging; it writes to the logger it is given
 * (a `@logtape/logtape` logger fits structurally). The default discards everything.
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
