/**
 * Plugins: extensions that subscribe to the event stream and act through a narrow context.
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";
import type { Clock } from "./clock.ts";
import type { Logger, LogLine } from "./logger.ts";
import type { ChargePointStatus } from "./connector_fsm.ts";
import type { ChargePointCallbacks } from "./charge_point.ts";

/**
 * What a plugin may see and do. Events reach plugin listeners after the charge point's state
 * reflects them; a listener that throws is reported to the logger and never stops the charge point.
 *
 * @example
 * ```ts
 * import type { Plugin } from "./plugin.ts";
 * const counter: Plugin = {
 *   name: "counter",
 *   setup(ctx) {
 *     let n = 0;
 *     ctx.subscribe(() => n++, { types: ["FrameReceived"] });
 *   },
 * };
 * ```
 */
export interface PluginContext {
  /** Identity of the charge point. */
  readonly chargePointId: string;
  /** The charge point's clock. */
  readonly clock: Clock;
  /** A logger for the plugin. */
  readonly logger: Logger;
  /**
   * Listens to events (optionally only some types); returns the unsubscribe function. The second
   * argument tells what the event made the charge point send.
   */
  subscribe(
    listener: (event: RecordedEvent, outcome: EventOutcome) => void | Promise<void>,
    options?: { readonly types?: readonly string[] },
  ): () => void;
  /** The stored events with `seq >= fromSeq` (default 1), oldest first. */
  readEvents(fromSeq?: number): Iterable<RecordedEvent>;
  /** The reported status of a connector (0 = the charge point). */
  connectorStatus(connector: number): ChargePointStatus;
  /** Whether a transaction runs on `connector` (without it: on any connector). */
  hasRunningTransaction(connector?: number): boolean;
  /** Raises a security event, as the firmware's `onSecurityEvent` would; failures are logged. */
  raiseSecurityEvent(eventType: string, techInfo?: string, critical?: boolean): void;
  /**
   * Provides the implementation of a firmware callback (e.g. `uploadDiagnostics`). It is used only
   * when the firmware does not provide that callback itself (the firmware can take over), and is
   * listed in `ChargePointStarted.callbacks` like the firmware's own. Only during `setup`: throws a
   * `StateError` (`ALREADY_STARTED`) afterwards. A callback provided by a plugin whose setup
   * throws is dropped; one that throws when called is reported and recorded as failed.
   */
  provideCallback<K extends keyof ChargePointCallbacks>(
    name: K,
    fn: NonNullable<ChargePointCallbacks[K]>,
  ): void;
  /** Reports upload progress exactly as the firmware's `onLogStatusNotification` (throws like it). */
  onLogStatusNotification(requestId: number, logStatus: string): void;
  /**
   * Reports firmware update progress exactly as the firmware's
   * `onFirmwareUpdateStatusNotification` (throws like it).
   */
  onFirmwareUpdateStatusNotification(requestId: number, status: string): void;
  /** A security event, exactly as the firmware's `onSecurityEvent` (throws like it). */
  onSecurityEvent(eventType: string, techInfo?: string, critical?: boolean): void;
  /**
   * The central system's time minus the charge point's clock, in ms (learnt from the
   * BootNotification and Heartbeat answers; 0 before). `clock.now() + timeOffsetMs()` is the
   * central system's time, in which its requests give times (retrieveDate, log windows, ...).
   */
  timeOffsetMs(): number;
  /**
   * Whether the central system accepted the BootNotification: only then are notifications such
   * as FirmwareStatusNotification sent (before, they are dropped).
   */
  isRegistered(): boolean;
  /**
   * The library's recent log lines (what it wrote to its logger, plugins included), oldest first:
   * a bounded memory (the last 2000 lines), time-stamped on the central system's clock.
   */
  logLines(): readonly LogLine[];
  /**
   * Whether the charge point uses this plugin's implementation of `name` (provided during setup,
   * and the firmware does not provide its own). Settled once every plugin is set up, e.g. when
   * `ChargePointStarted` arrives; false during setup.
   */
  providesCallback(name: keyof ChargePointCallbacks): boolean;
  /**
   * Holds the connectors for a firmware installation (`true`) or releases them (`false`), as an
   * event of the log (`FirmwareInstallHoldChanged`): every operative connector becomes
   * Unavailable, at once when free, when its transaction ends otherwise; the release makes
   * exactly those operative again. The hold survives a restart. Throws like a handler when the
   * charge point is not running.
   */
  holdConnectorsForFirmware(hold: boolean): void;
}

/**
 * What an event made the charge point send, as given to plugin listeners.
 *
 * @example
 * ```ts
 * import type { EventOutcome } from "./plugin.ts";
 * const statusFrames = (o: EventOutcome) => o.frames.filter((f) => f.includes('"StatusNotification"'));
 * ```
 */
export interface EventOutcome {
  /** The exact text of the OCPP-J frames derived from the event, in order (as `replay` gives). */
  readonly frames: readonly string[];
}

/**
 * A plugin: a name and a setup function. Setup may return a `Disposable` (or `AsyncDisposable`)
 * that the charge point disposes on `stop()`.
 *
 * @example
 * ```ts
 * import type { Plugin } from "./plugin.ts";
 * const hello: Plugin = { name: "hello", setup(ctx) { ctx.logger.info(`hello ${ctx.chargePointId}`); } };
 * ```
 */
export interface Plugin {
  /** Unique name. */
  readonly name: string;
  /** Called once by `start()`, before the charge point connects. */
  setup(
    ctx: PluginContext,
  ): void | Disposable | AsyncDisposable | Promise<void | Disposable | AsyncDisposable>;
}
