/**
 * The timers of the link to the central system: heartbeat, WebSocket ping and pong deadline.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import { intKey } from "./configuration.ts";

/** Timer of the periodic Heartbeat. */
export const TIMER_HEARTBEAT = "heartbeat";
/** Timer of the next WebSocket ping. */
export const TIMER_PING = "ping";
/** Timer by which the pong of the last ping must have arrived. */
export const TIMER_PONG = "pongTimeout";

/**
 * Arms the heartbeat timer from `HeartbeatInterval` (0 = off).
 *
 * @example
 * ```ts ignore
 * armHeartbeat(d); // after BootNotification Accepted or a HeartbeatInterval change
 * ```
 */
export function armHeartbeat(d: Draft): void {
  const interval = intKey(d.state.config, "HeartbeatInterval", 0);
  if (interval > 0) d.setTimer(TIMER_HEARTBEAT, d.now + interval * 1000);
  else d.clearTimer(TIMER_HEARTBEAT);
}

/**
 * Arms the ping timer from `WebSocketPingInterval` (0 = off).
 *
 * @example
 * ```ts ignore
 * armPing(d); // when the link opens or WebSocketPingInterval changes
 * ```
 */
export function armPing(d: Draft): void {
  const interval = intKey(d.state.config, "WebSocketPingInterval", 0);
  if (interval > 0) d.setTimer(TIMER_PING, d.now + interval * 1000);
  else d.clearTimer(TIMER_PING);
}
