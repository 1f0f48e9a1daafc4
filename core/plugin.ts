/**
 * Plugins: extensions that subscribe to the event stream and act through a narrow context.
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";
import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import type { ChargePointStatus } from "./connector_fsm.ts";

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
  /** Listens to events (optionally only some types); returns the unsubscribe function. */
  subscribe(
    listener: (event: RecordedEvent) => void | Promise<void>,
    options?: { readonly types?: readonly string[] },
  ): () => void;
  /** The reported status of a connector (0 = the charge point). */
  connectorStatus(connector: number): ChargePointStatus;
  /** Raises a security event, as the firmware's `onSecurityEvent` would. */
  raiseSecurityEvent(eventType: string, techInfo?: string, critical?: boolean): void;
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
