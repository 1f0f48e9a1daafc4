/**
 * What the transfer plugins (`diagnosticsUpload`, `firmwareUpdate`) share: waits on the plugin's
 * clock, the wait for the registration, and finding in the event log the request a previous
 * process accepted and did not finish, so that a restart resumes it.
 *
 * @module
 */
import type { PluginContext } from "../core/plugin.ts";
import type { RecordedEvent } from "../events/envelope.ts";

/**
 * Waits `ms` on the plugin's clock; resolves early when `signal` aborts. The clock timer is kept
 * in `timers` meanwhile (so that disposing the plugin clears it).
 *
 * @example
 * ```ts ignore
 * await pause(ctx, 30_000, job.abort.signal, timers);
 * ```
 */
export function pause(
  ctx: PluginContext,
  ms: number,
  signal: AbortSignal,
  timers: Set<number>,
): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      ctx.clock.clearTimer(handle);
      timers.delete(handle);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const handle = ctx.clock.setTimer(done, Math.max(0, ms));
    timers.add(handle);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Waits on the plugin's clock until the central system's time (`clock.now() + timeOffsetMs()`)
 * reaches `time` (RFC 3339, a time the central system gave); resolves early when `signal` aborts.
 *
 * @example
 * ```ts ignore
 * await pauseUntil(ctx, request.retrieveDate, job.abort.signal, timers);
 * ```
 */
export function pauseUntil(
  ctx: PluginContext,
  time: string,
  signal: AbortSignal,
  timers: Set<number>,
): Promise<void> {
  return pause(ctx, Date.parse(time) - csmsNow(ctx), signal, timers);
}

/**
 * The central system's current time, in ms since the epoch.
 *
 * @example
 * ```ts ignore
 * const now = new Date(csmsNow(ctx)).toISOString();
 * ```
 */
export function csmsNow(ctx: PluginContext): number {
  return ctx.clock.now() + ctx.timeOffsetMs();
}

/**
 * Calls `fn` once the central system accepted the BootNotification (at once if it has): the
 * statuses of a resumed operation are sent only then. Returns a function that cancels the wait.
 *
 * @example
 * ```ts ignore
 * const cancel = whenRegistered(ctx, () => resume());
 * ```
 */
export function whenRegistered(ctx: PluginContext, fn: () => void): () => void {
  if (ctx.isRegistered()) {
    fn();
    return () => {};
  }
  let done = false;
  const stop = ctx.subscribe(() => {
    if (done || !ctx.isRegistered()) return;
    done = true;
    stop();
    fn();
  });
  return () => {
    done = true;
    stop();
  };
}

/**
 * A central system request whose provided callback accepted it, as found in the event log.
 *
 * @example
 * ```ts
 * import type { AcceptedRequest } from "./jobs.ts";
 * const r: AcceptedRequest = {
 *   callback: "uploadLogs", payload: { requestId: 3 }, result: { status: "Accepted" },
 *   requestId: 3, statuses: ["Uploading"], at: "2026-01-01T00:00:00.000Z",
 * };
 * ```
 */
export interface AcceptedRequest {
  /** The callback that accepted it. */
  readonly callback: string;
  /** The request as received. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** What the callback returned. */
  readonly result: unknown;
  /** The id its statuses carry (-1 for GetDiagnostics and UpdateFirmware). */
  readonly requestId: number;
  /** The statuses reported for it since, oldest first. */
  readonly statuses: readonly string[];
  /** When it was accepted (event time). */
  readonly at: string;
}

/**
 * What {@linkcode lastAcceptedRequest} looks for: the action each callback answers, whether a
 * result accepted the request, the event type of its statuses and the requestId they carry.
 *
 * @example
 * ```ts ignore
 * const spec: RequestSpec = {
 *   actions: { uploadLogs: "GetLog" },
 *   accepted: (_callback, result) => (result as { status?: string }).status === "Accepted",
 *   statusEvent: "LogStatusChanged",
 *   requestId: (_callback, payload) => Number(payload.requestId),
 * };
 * ```
 */
export interface RequestSpec {
  /** Callback name → the action of the request it answers. */
  readonly actions: Readonly<Record<string, string>>;
  /** Whether the callback's result accepted the request. */
  accepted(callback: string, result: unknown): boolean;
  /** `LogStatusChanged` or `FirmwareUpdateStatusChanged`. */
  readonly statusEvent: string;
  /** The requestId of the request's statuses. */
  requestId(callback: string, payload: Readonly<Record<string, unknown>>): number;
}

/**
 * The last request of `spec` accepted in `events` (a new one replaces the previous: one runs at a
 * time), with the statuses reported for it; and whether the connectors are held for a firmware
 * installation at the end of `events` (the last `FirmwareInstallHoldChanged`).
 *
 * The request is found through its callback's `CallbackCompleted`, whose `ref` is
 * `<id of the FrameReceived event of the request>-<n>`.
 *
 * @example
 * ```ts ignore
 * const { request, held } = lastAcceptedRequest(ctx.readEvents(1), spec);
 * ```
 */
export function lastAcceptedRequest(
  events: Iterable<RecordedEvent>,
  spec: RequestSpec,
): { request: AcceptedRequest | undefined; held: boolean } {
  const actions = new Set(Object.values(spec.actions));
  const received = new Map<string, Record<string, unknown>>();
  let last: { request: Omit<AcceptedRequest, "statuses">; statuses: string[] } | undefined;
  let held = false;
  for (const event of events) {
    if (event.type === "FrameReceived") {
      const text = (event.data as { text: string }).text;
      // Cheap test first: most frames are not one of these requests.
      if (![...actions].some((a) => text.includes(`"${a}"`))) continue;
      const call = parseCall(text);
      if (call !== undefined && actions.has(call.action)) received.set(event.id, call.payload);
    } else if (event.type === "CallbackCompleted") {
      const data = event.data as { callback: string; ref: string; ok: boolean; result?: unknown };
      const action = spec.actions[data.callback];
      if (action === undefined) continue;
      const frameId = data.ref.slice(0, data.ref.lastIndexOf("-"));
      const payload = received.get(frameId);
      received.delete(frameId);
      if (payload === undefined || !data.ok || !spec.accepted(data.callback, data.result)) continue;
      last = {
        request: {
          callback: data.callback,
          payload,
          result: data.result,
          requestId: spec.requestId(data.callback, payload),
          at: event.at,
        },
        statuses: [],
      };
    } else if (event.type === spec.statusEvent) {
      const data = event.data as { requestId: number; status: string };
      if (last !== undefined && data.requestId === last.request.requestId) {
        last.statuses.push(data.status);
      }
    } else if (event.type === "FirmwareInstallHoldChanged") {
      held = (event.data as { hold: boolean }).hold;
    }
  }
  return {
    request: last === undefined ? undefined : { ...last.request, statuses: last.statuses },
    held,
  };
}

/** `[2, id, action, payload]` of a CALL frame, or `undefined`. */
function parseCall(text: string): { action: string; payload: Record<string, unknown> } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (_error) {
    return undefined;
  }
  if (!Array.isArray(value) || value[0] !== 2 || typeof value[2] !== "string") return undefined;
  const payload = value[3];
  return typeof payload === "object" && payload !== null && !Array.isArray(payload)
    ? { action: value[2], payload: payload as Record<string, unknown> }
    : undefined;
}

/**
 * Copies the defined entries of `o`.
 *
 * @example
 * ```ts
 * import { opt } from "./jobs.ts";
 * console.log(opt({ a: 1, b: undefined })); // { a: 1 }
 * ```
 */
export function opt<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
