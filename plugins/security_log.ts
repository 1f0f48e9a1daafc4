/**
 * The `securityLog` plugin: every security event is written to a rotating security log file
 * (JSON lines). Rotation keeps `maxFiles` older files (`security.log.1` is the newest of them);
 * deleting the oldest raises `SecurityLogWasCleared`, as the whitepaper asks.
 *
 * At setup the file catches up with the event log: the security events after the last `seq`
 * written (the process ended in between, or the file was lost) are written first. A line torn
 * by a crash is ended and skipped (counted in a warning) by readers.
 *
 * @module
 */
import type { Plugin } from "../core/plugin.ts";
import type { EventData } from "../events/mod.ts";
import type { RecordedEvent } from "../events/envelope.ts";
import { dirname } from "node:path";
import { isCritical as isDefaultCritical } from "../core/security_events.ts";

/** Options of {@linkcode securityLog}. */
export interface SecurityLogOptions {
  /** Path of the current log file (default `data/<chargePointId>/security.log`). */
  readonly path?: string;
  /** Size in bytes after which the file is rotated (default 1 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one (default 5). */
  readonly maxFiles?: number;
}

/** One line of the security log. */
export interface SecurityLogEntry {
  /** Seq of the event in the event log. */
  readonly seq: number;
  /** When the security event happened (RFC 3339). */
  readonly timestamp: string;
  /** Security event type. */
  readonly type: string;
  /** Additional information. */
  readonly techInfo?: string;
  /** Whether it was sent to the central system as SecurityEventNotification. */
  readonly critical: boolean;
  /** Raised by the library itself rather than the firmware. */
  readonly internal: boolean;
}

/**
 * Writes every security event to a rotating log file.
 *
 * @example
 * ```ts
 * import { securityLog } from "./security_log.ts";
 * const plugin = securityLog({ path: "data/CP-1/security.log", maxBytes: 64 * 1024, maxFiles: 3 });
 * console.log(plugin.name); // "security-log"
 * ```
 */
export function securityLog(options: SecurityLogOptions = {}): Plugin {
  return {
    name: "security-log",
    setup(ctx) {
      const path = options.path ?? `data/${ctx.chargePointId}/security.log`;
      const maxBytes = options.maxBytes ?? 1024 * 1024;
      const maxFiles = Math.max(1, options.maxFiles ?? 5);
      Deno.mkdirSync(dirname(path), { recursive: true });
      const encoder = new TextEncoder();
      let size = fileSize(path);
      // A line torn by a crash is ended, so that the next entry starts on a line of its own.
      if (size > 0 && !endsWithNewline(path, size)) {
        Deno.writeFileSync(path, encoder.encode("\n"), { append: true });
        size++;
      }
      /** Writes the entry of `event`; true when rotating deleted the oldest file. */
      const write = (event: RecordedEvent): boolean => {
        const e = event.data as EventData<"SecurityEventOccurred">;
        const entry: SecurityLogEntry = {
          seq: event.seq,
          timestamp: e.timestamp,
          type: e.eventType,
          ...(e.techInfo === undefined ? {} : { techInfo: e.techInfo }),
          critical: e.critical ?? isDefaultCritical(e.eventType),
          internal: e.internal ?? false,
        };
        const line = encoder.encode(JSON.stringify(entry) + "\n");
        let cleared = false;
        if (size > 0 && size + line.length > maxBytes) {
          cleared = rotate(path, maxFiles);
          size = 0;
        }
        Deno.writeFileSync(path, line, { append: true, create: true });
        size += line.length;
        return cleared;
      };
      const raiseCleared = () =>
        ctx.raiseSecurityEvent("SecurityLogWasCleared", `oldest file of ${path} deleted`);
      // Catch up: security events of the event log after the last one written (the process
      // ended between the two, or the plugin was added or its file lost).
      const unreadable: string[] = [];
      const last = readSecurityLog(
        path,
        maxFiles,
        (file, line) => void unreadable.push(`${file}:${line}`),
      ).reduce((max, e) => Math.max(max, e.seq), 0);
      if (unreadable.length > 0) {
        ctx.logger.warn(
          `security log: ${unreadable.length} unreadable line(s) skipped (${
            unreadable.join(", ")
          })`,
        );
      }
      let caughtUp = 0;
      let cleared = false;
      for (const event of ctx.readEvents(last + 1)) {
        if (event.type !== "SecurityEventOccurred") continue;
        cleared = write(event) || cleared;
        caughtUp++;
      }
      if (caughtUp > 0) {
        ctx.logger.info(
          `security log: ${caughtUp} event(s) of the event log written after seq ${last}`,
        );
      }
      const stop = ctx.subscribe((event) => {
        // Raised from a listener: the log publishes it after this event, in order.
        if (write(event)) raiseCleared();
      }, { types: ["SecurityEventOccurred"] });
      if (cleared) raiseCleared();
      return { [Symbol.dispose]: stop };
    },
  };
}

function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/** Shifts `path.i` to `path.i+1` and `path` to `path.1`; returns true if the oldest was deleted. */
function rotate(path: string, maxFiles: number): boolean {
  let cleared = false;
  const oldest = `${path}.${maxFiles}`;
  if (fileSize(oldest) > 0) {
    Deno.removeSync(oldest);
    cleared = true;
  }
  for (let i = maxFiles - 1; i >= 1; i--) {
    if (fileSize(`${path}.${i}`) > 0) Deno.renameSync(`${path}.${i}`, `${path}.${i + 1}`);
  }
  Deno.renameSync(path, `${path}.1`);
  return cleared;
}

/**
 * Reads the entries of the current security log file and its rotated files, oldest first. A line
 * that is not a JSON entry (torn by a crash) is skipped and told to `onUnreadable`.
 *
 * @example
 * ```ts ignore
 * import { readSecurityLog } from "./security_log.ts";
 * let skipped = 0;
 * const entries = readSecurityLog("data/CP-1/security.log", 5, () => skipped++);
 * ```
 */
export function readSecurityLog(
  path: string,
  maxFiles = 5,
  onUnreadable?: (file: string, line: number, text: string) => void,
): SecurityLogEntry[] {
  const out: SecurityLogEntry[] = [];
  for (let i = maxFiles; i >= 0; i--) {
    const file = i === 0 ? path : `${path}.${i}`;
    if (fileSize(file) === 0) continue;
    const lines = Deno.readTextFileSync(file).split("\n");
    for (const [n, line] of lines.entries()) {
      if (line.trim() === "") continue;
      const entry = parseEntry(line);
      if (entry === undefined) onUnreadable?.(file, n + 1, line);
      else out.push(entry);
    }
  }
  return out;
}

/** A line of the security log, or `undefined` when it is not one. */
function parseEntry(line: string): SecurityLogEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (_error) {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const e = value as Record<string, unknown>;
  return typeof e.seq === "number" && typeof e.timestamp === "string" &&
      typeof e.type === "string"
    ? value as SecurityLogEntry
    : undefined;
}

function endsWithNewline(path: string, size: number): boolean {
  const file = Deno.openSync(path, { read: true });
  try {
    const last = new Uint8Array(1);
    file.seekSync(size - 1, Deno.SeekMode.Start);
    return file.readSync(last) === 1 && last[0] === 0x0a;
  } finally {
    file.close();
  }
}
