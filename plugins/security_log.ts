/**
 * The `securityLog` plugin: every security event is written to a rotating security log file
 * (JSON lines). Rotation keeps `maxFiles` older files (`security.log.1` is the newest of them);
 * deleting the oldest raises `SecurityLogWasCleared`, as the whitepaper asks.
 *
 * @module
 */
import type { Plugin } from "../core/plugin.ts";
import type { EventData } from "../events/mod.ts";
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
      return {
        [Symbol.dispose]: ctx.subscribe((event) => {
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
          if (size > 0 && size + line.length > maxBytes) {
            const cleared = rotate(path, maxFiles);
            size = 0;
            if (cleared) {
              ctx.raiseSecurityEvent("SecurityLogWasCleared", `oldest file of ${path} deleted`);
            }
          }
          Deno.writeFileSync(path, line, { append: true, create: true });
          size += line.length;
        }, { types: ["SecurityEventOccurred"] }),
      };
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
 * Reads the entries of the current security log file and its rotated files, oldest first.
 *
 * @example
 * ```ts ignore
 * import { readSecurityLog } from "./security_log.ts";
 * const entries = readSecurityLog("data/CP-1/security.log", 5);
 * ```
 */
export function readSecurityLog(path: string, maxFiles = 5): SecurityLogEntry[] {
  const out: SecurityLogEntry[] = [];
  for (let i = maxFiles; i >= 0; i--) {
    const file = i === 0 ? path : `${path}.${i}`;
    if (fileSize(file) === 0) continue;
    for (const line of Deno.readTextFileSync(file).split("\n")) {
      if (line.trim() !== "") out.push(JSON.parse(line) as SecurityLogEntry);
    }
  }
  return out;
}
