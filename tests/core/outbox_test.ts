/**
 * The outbox policy without network, through `step`: retries with the same message id, what is
 * dropped (with an event) and what never is, the bounded backlog and its thinning, the paced
 * flush after reconnect, transactionId correlation, the restart of the process (the CALL in
 * flight resent, PowerLoss stop of sessions not resumed) and the WebSocket pong deadline.
 *
 * Follow-up events the fold raises are appended right after the event that raised them, as the
 * shell does, so the log stays replayable.
 */
import assert from "node:assert/strict";
import {
  type ChargePointEvent,
  checkEvent,
  type EventData,
  type EventType,
} from "../../events/mod.ts";
import { step, type StepResult } from "../../core/step.ts";
import { initialState, type State } from "../../core/state.ts";
import { PERSISTENT_RETRY_MAX_S } from "../../core/outbox.ts";
import { fold } from "../../core/step.ts";

const BASE = Date.parse("2026-01-01T00:00:00.000Z");

interface SentCall {
  readonly id: string;
  readonly action: string;
  readonly payload: Record<string, unknown>;
}

function decode(frame: string): SentCall {
  const message = JSON.parse(frame) as [number, string, string, Record<string, unknown>];
  assert.equal(message[0], 2, `not a CALL: ${frame}`);
  return { id: message[1], action: message[2], payload: message[3] };
}

/** A log folded as it grows, with the shell's follow-up events appended. */
class Log {
  readonly events: ChargePointEvent[] = [];
  readonly frames: string[] = [];
  state: State = initialState();
  now = BASE;
  /** How many steps asked the shell to close the connection. */
  disconnects = 0;
  #seq = 0;

  add<T extends EventType>(type: T, data: EventData<T>): StepResult {
    const result = this.addThenDie(type, data);
    for (const r of result.effects.raise) this.add(r.type as T, r.data as EventData<T>);
    return result;
  }

  /** Folds an event whose follow-up events are never appended: the process is killed after it. */
  addThenDie<T extends EventType>(type: T, data: EventData<T>): StepResult {
    const seq = ++this.#seq;
    const checked = checkEvent({
      id: `01JOUTBOXTEST${String(seq).padStart(13, "0")}`,
      seq,
      at: new Date(this.now).toISOString(),
      type,
      data,
    });
    assert.ok(checked.ok, checked.ok ? "" : checked.reason);
    this.events.push(checked.event);
    const result = step(this.state, checked.event);
    this.state = result.state;
    this.frames.push(...result.effects.frames);
    if (result.effects.disconnect) this.disconnects++;
    return result;
  }

  /** Events of `type` in the log, data only. */
  of<T extends EventType>(type: T): EventData<T>[] {
    return this.events.filter((e) => e.type === type).map((e) => e.data as EventData<T>);
  }

  get inFlight(): SentCall {
    const call = this.state.inFlight;
    assert.ok(call !== undefined, "a CALL is in flight");
    const frame = this.frames.findLast((f) => decode(f).id === call.id);
    assert.ok(frame !== undefined);
    return decode(frame);
  }

  answer(payload: Record<string, unknown>): void {
    this.add("FrameReceived", { text: JSON.stringify([3, this.inFlight.id, payload]) });
  }

  error(code = "InternalError"): void {
    this.add("FrameReceived", { text: JSON.stringify([4, this.inFlight.id, code, "", {}]) });
  }

  /** Answers every CALL like a default central system until nothing is in flight. */
  drain(txId = 1): SentCall[] {
    const sent: SentCall[] = [];
    for (let i = 0; i < 1000 && this.state.inFlight !== undefined; i++) {
      const call = this.inFlight;
      sent.push(call);
      this.answer(
        call.action === "StartTransaction"
          ? { transactionId: txId, idTagInfo: { status: "Accepted" } }
          : call.action === "BootNotification"
          ? { status: "Accepted", currentTime: new Date(this.now).toISOString(), interval: 0 }
          : call.action === "Heartbeat"
          ? { currentTime: new Date(this.now).toISOString() }
          : {},
      );
    }
    return sent;
  }

  /** Moves time to `ms` and fires the state's timers due until then, in order. */
  advanceTo(ms: number): void {
    for (let i = 0; i < 10_000; i++) {
      const due = Object.entries(this.state.timers).filter(([, t]) => t <= ms)
        .sort((a, b) => a[1] - b[1])[0];
      if (due === undefined) break;
      this.now = Math.max(this.now, due[1]);
      this.add("TimerFired", { timer: due[0], due: due[1] });
    }
    this.now = ms;
  }

  started(
    configuration: Record<string, string> = {},
    resumeSessionIds?: string[],
    thenDie = false,
  ): void {
    (thenDie ? this.addThenDie : this.add).call(this, "ChargePointStarted", {
      chargePointId: "CP-1",
      csmsUrl: "ws://127.0.0.1:9",
      connectors: 2,
      configuration: { HeartbeatInterval: "0", RetryBackoffRandomRange: "0", ...configuration },
      bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC" },
      callbacks: [],
      responseTimeoutMs: 30_000,
      ...(resumeSessionIds === undefined ? {} : { resumeSessionIds }),
    });
  }

  online(): SentCall[] {
    this.add("ConnectionOpened", { url: "ws://127.0.0.1:9/CP-1", protocol: "ocpp1.6" });
    return this.drain();
  }

  offline(): void {
    this.add("ConnectionClosed", { code: 1006, reason: "gone", wasOpen: true });
  }

  measure(connector: number, wh: number): void {
    this.add("MeterValuesMeasured", {
      connector,
      measurement: {
        powerMeter: { timestamp: new Date(this.now).toISOString(), energyWhImport: { total: wh } },
      },
    });
  }

  startTx(connector: number, session: string, wh = 1000): void {
    this.add("SessionStarted", { connector, sessionId: session, reason: "Authorized" });
    this.add("TransactionStarted", {
      connector,
      sessionId: session,
      idToken: "TAG-1",
      meterStartWh: wh,
      timestamp: new Date(this.now).toISOString(),
    });
  }

  stopTx(connector: number, session: string, wh: number): void {
    this.add("TransactionStopped", {
      connector,
      sessionId: session,
      reason: "Local",
      timestamp: new Date(this.now).toISOString(),
      energyWhImport: wh,
    });
  }
}

/** Every CALL sent so far, in order. */
function sent(log: Log): SentCall[] {
  return log.frames.map((f) => JSON.parse(f) as unknown[]).filter((m) => m[0] === 2).map((m) => ({
    id: m[1] as string,
    action: m[2] as string,
    payload: m[3] as Record<string, unknown>,
  }));
}

function sentOf(log: Log, action: string): SentCall[] {
  return sent(log).filter((c) => c.action === action);
}

/** Replay of the whole log gives the same frames. */
function assertReplays(log: Log): void {
  assert.deepEqual(fold(log.events).frames, log.frames);
}

Deno.test("outbox: a failing MeterValues is retried with the same id, interval × sends apart, then dropped with an event", () => {
  const log = new Log();
  log.started({
    TransactionMessageAttempts: "3",
    TransactionMessageRetryInterval: "10",
    MeterValueSampleInterval: "60",
  });
  log.online();
  log.startTx(1, "s-1");
  log.drain(7);
  log.measure(1, 1100);
  log.advanceTo(log.now + 60_000);
  const first = log.inFlight;
  assert.equal(first.action, "MeterValues");
  assert.equal(first.payload.transactionId, 7);
  const sends = [log.now];
  for (const wait of [10_000, 20_000]) {
    log.error();
    assert.equal(log.state.inFlight, undefined, "not resent at once");
    log.advanceTo(log.now + wait - 1);
    assert.equal(log.state.inFlight, undefined, `not before ${wait} ms`);
    log.advanceTo(log.now + 1);
    assert.equal(log.inFlight.id, first.id, "same message id");
    sends.push(log.now);
  }
  log.error();
  assert.equal(log.state.inFlight, undefined);
  assert.equal(log.state.outbox.size, 0, "dropped after TransactionMessageAttempts sends");
  const frames = sentOf(log, "MeterValues");
  assert.equal(frames.length, 3);
  assert.ok(frames.every((f) => JSON.stringify(f) === JSON.stringify(first)), "identical resends");
  assert.deepEqual(
    log.of("TransactionMessageFailed").map((e) => [e.messageId, e.attempts, e.outcome]),
    [[first.id, 1, "Retry"], [first.id, 2, "Retry"], [first.id, 3, "Dropped"]],
  );
  assert.equal(
    log.of("TransactionMessageFailed")[0]?.retryAt,
    new Date(sends[0]! + 10_000).toISOString(),
  );
  assertReplays(log);
});

Deno.test("outbox: StopTransaction is never dropped: retried at a capped interval, same id, until accepted", () => {
  const log = new Log();
  log.started({ TransactionMessageAttempts: "2", TransactionMessageRetryInterval: "30" });
  log.online();
  log.startTx(1, "s-1");
  log.drain(5);
  log.stopTx(1, "s-1", 2000);
  const stop = log.inFlight;
  assert.equal(stop.action, "StopTransaction");
  const waits: number[] = [];
  for (let k = 1; k <= 125; k++) {
    log.error("InternalError");
    const head = log.state.outbox.peek();
    assert.equal(head?.id, stop.id);
    waits.push((head?.notBefore ?? 0) - log.now);
    log.advanceTo(head?.notBefore ?? 0);
    assert.equal(log.inFlight.id, stop.id);
  }
  // Within TransactionMessageAttempts: interval × sends; then at least 60 s, growing, capped at 1 h.
  assert.deepEqual(waits.slice(0, 4), [30_000, 60_000, 90_000, 120_000]);
  assert.equal(Math.max(...waits), PERSISTENT_RETRY_MAX_S * 1000);
  assert.equal(waits.at(-1), PERSISTENT_RETRY_MAX_S * 1000);
  assert.ok(log.of("TransactionMessageFailed").every((e) => e.outcome === "Retry"));
  log.answer({});
  assert.equal(log.state.outbox.size, 0);
  const frames = sentOf(log, "StopTransaction");
  assert.equal(frames.length, 126);
  assert.ok(frames.every((f) => f.id === stop.id && f.payload.transactionId === 5));
  assertReplays(log);
});

Deno.test("outbox: a CALLERROR to StartTransaction does not drop it; the StopTransaction behind it waits for its answer", () => {
  const log = new Log();
  log.started({ TransactionMessageAttempts: "1", TransactionMessageRetryInterval: "0" });
  log.online();
  log.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "Authorized" });
  log.drain();
  log.add("TransactionStarted", {
    connector: 1,
    sessionId: "s-1",
    idToken: "TAG-1",
    meterStartWh: 0,
    timestamp: new Date(log.now).toISOString(),
  });
  const start = log.inFlight;
  assert.equal(start.action, "StartTransaction");
  log.stopTx(1, "s-1", 1500);
  for (let i = 0; i < 3; i++) {
    log.error("InternalError");
    log.drain(); // the StatusNotifications behind it pass meanwhile
    assert.equal(log.state.outbox.peek()?.id, start.id);
    log.advanceTo(log.state.outbox.peek()?.notBefore ?? 0);
    assert.equal(log.inFlight.id, start.id, "the StartTransaction again, never the stop");
  }
  log.answer({ transactionId: 77, idTagInfo: { status: "Accepted" } });
  assert.equal(log.inFlight.action, "StopTransaction");
  assert.equal(log.inFlight.payload.transactionId, 77);
  log.drain();
  assert.ok(!log.frames.some((f) => f.includes('"transactionId":-1')));
  assertReplays(log);
});

Deno.test("outbox: a normal CALL is not held by a transaction message waiting for its retry", () => {
  const log = new Log();
  log.started({ TransactionMessageRetryInterval: "60" });
  log.online();
  log.startTx(1, "s-1");
  log.drain(3);
  log.stopTx(1, "s-1", 1500);
  const stop = log.inFlight;
  log.error();
  log.drain(); // the StatusNotification (Finishing) passes at once
  log.add("DataTransferRequested", { vendorId: "Acme" });
  assert.equal(log.inFlight.action, "DataTransfer", "sent while the StopTransaction waits");
  assert.equal(log.state.outbox.peek()?.id, stop.id, "the StopTransaction keeps its place");
  log.answer({ status: "Accepted" });
  assert.equal(log.state.inFlight, undefined);
  log.advanceTo(log.now + 60_000);
  assert.equal(log.inFlight.id, stop.id);
  log.drain();
  assertReplays(log);
});

Deno.test("outbox: a transaction entirely offline is delivered in order, the StopTransaction with the id of the StartTransaction answer", () => {
  const log = new Log();
  log.started({ MeterValueSampleInterval: "60" });
  log.online();
  log.offline();
  const t0 = log.now;
  log.startTx(1, "s-1");
  log.measure(1, 1000);
  for (let minute = 1; minute <= 3; minute++) {
    log.advanceTo(t0 + minute * 60_000);
    log.measure(1, 1000 + minute * 100);
  }
  log.stopTx(1, "s-1", 1300);
  assert.equal(sentOf(log, "StartTransaction").length, 0, "nothing sent offline");
  log.add("ConnectionOpened", { url: "ws://127.0.0.1:9/CP-1", protocol: "ocpp1.6" });
  assert.equal(log.inFlight.action, "StartTransaction");
  log.answer({ transactionId: 42, idTagInfo: { status: "Accepted" } });
  log.drain();
  const tx = sent(log).filter((c) =>
    c.action !== "StatusNotification" && c.action !== "BootNotification"
  );
  assert.deepEqual(tx.map((c) => c.action), [
    "StartTransaction",
    "MeterValues",
    "MeterValues",
    "MeterValues",
    "StopTransaction",
  ]);
  assert.ok(tx.slice(1).every((c) => c.payload.transactionId === 42));
  const stamps = tx.slice(1, 4).map((c) =>
    Date.parse((c.payload.meterValue as { timestamp: string }[])[0]!.timestamp)
  );
  assert.deepEqual(stamps, [t0 + 60_000, t0 + 120_000, t0 + 180_000], "one interval apart");
  assert.equal(new Set(tx.map((c) => c.id)).size, tx.length, "each exactly once");
  assertReplays(log);
});

Deno.test("outbox: at MessageQueueSizeThreshold periodic MeterValues are thinned per transaction, StartTransaction/StopTransaction kept", () => {
  const log = new Log();
  log.started({ MessageQueueSizeThreshold: "12", MeterValueSampleInterval: "60" });
  log.online();
  log.offline();
  const t0 = log.now;
  log.startTx(1, "a");
  log.startTx(2, "b");
  for (let minute = 1; minute <= 20; minute++) {
    log.measure(1, 1000 + minute);
    log.measure(2, 5000 + minute);
    log.advanceTo(t0 + minute * 60_000);
  }
  log.stopTx(1, "a", 1100);
  log.stopTx(2, "b", 5100);
  const queued = [...log.state.outbox];
  assert.ok(queued.length <= 12, `${queued.length} queued`);
  assert.equal(queued.filter((c) => c.action === "StartTransaction").length, 2);
  assert.equal(queued.filter((c) => c.action === "StopTransaction").length, 2);
  const dropped = log.of("TransactionMessagesDropped").flatMap((e) => e.messages);
  assert.ok(dropped.length > 0);
  assert.ok(dropped.every((m) => m.action === "MeterValues"));
  // Both series keep samples, in time order, the newest one included.
  for (const connector of [1, 2]) {
    const stamps = queued.filter((c) =>
      c.action === "MeterValues" && c.payload.connectorId === connector
    )
      .map((c) => Date.parse((c.payload.meterValue as { timestamp: string }[])[0]!.timestamp));
    assert.ok(stamps.length >= 2, `connector ${connector}: ${stamps.length} samples`);
    assert.deepEqual(stamps, [...stamps].sort((a, b) => a - b));
    assert.equal(stamps.at(-1), t0 + 20 * 60_000, "the newest sample is kept");
  }
  log.add("ConnectionOpened", { url: "ws://127.0.0.1:9/CP-1", protocol: "ocpp1.6" });
  for (let i = 0; i < 5 && (log.state.inFlight !== undefined || log.state.outbox.size > 0); i++) {
    log.drain(9);
    log.advanceTo(log.now + 1000);
  }
  const delivered = sent(log).filter((c) => c.action === "StopTransaction");
  assert.equal(delivered.length, 2);
  assertReplays(log);
});

Deno.test("outbox: with only StartTransaction/StopTransaction queued the backlog grows past the threshold; SecurityEventNotification is dropped before them", () => {
  const log = new Log();
  log.started({ MessageQueueSizeThreshold: "2" });
  log.online();
  log.offline();
  const raise = (eventType: string) =>
    log.add("SecurityEventOccurred", {
      eventType,
      critical: true,
      timestamp: new Date(log.now).toISOString(),
    });
  raise("TamperDetectionActivated");
  raise("MemoryExhaustion");
  log.startTx(1, "a");
  assert.deepEqual(
    log.of("TransactionMessagesDropped").flatMap((e) => e.messages.map((m) => m.action)),
    ["SecurityEventNotification"],
  );
  assert.deepEqual([...log.state.outbox].map((c) => c.action), [
    "SecurityEventNotification",
    "StartTransaction",
  ]);
  log.stopTx(1, "a", 1001);
  log.startTx(1, "b");
  log.stopTx(1, "b", 1002);
  assert.deepEqual([...log.state.outbox].map((c) => c.action), [
    "StartTransaction",
    "StopTransaction",
    "StartTransaction",
    "StopTransaction",
  ]);
  assertReplays(log);
});

Deno.test("outbox: the backlog is flushed at most MessageQueueFlushRate per second; normal CALLs pass meanwhile", () => {
  const log = new Log();
  log.started({ MessageQueueFlushRate: "10" });
  log.online();
  log.offline();
  for (let i = 0; i < 25; i++) {
    log.add("SecurityEventOccurred", {
      eventType: "TamperDetectionActivated",
      timestamp: new Date(log.now).toISOString(),
    });
  }
  const t0 = log.now;
  const before = sent(log).length;
  log.add("ConnectionOpened", { url: "ws://127.0.0.1:9/CP-1", protocol: "ocpp1.6" });
  const perSecond: number[] = [];
  for (let second = 0; second < 4; second++) {
    log.drain();
    perSecond.push(
      sent(log).slice(before).filter((c) => c.action === "SecurityEventNotification").length,
    );
    log.advanceTo(t0 + (second + 1) * 1000);
  }
  assert.deepEqual(perSecond, [10, 20, 25, 25]);
  // The current statuses did not wait for the backlog.
  const afterOpen = sent(log).slice(before).map((c) => c.action);
  assert.ok(afterOpen.indexOf("StatusNotification") < 11, afterOpen.join(","));
  // Messages that happen after the backlog are not paced.
  for (let i = 0; i < 15; i++) {
    log.add("SecurityEventOccurred", {
      eventType: "TamperDetectionActivated",
      timestamp: new Date(log.now).toISOString(),
    });
    log.drain();
  }
  assert.equal(sentOf(log, "SecurityEventNotification").length, 40);
  assertReplays(log);
});

Deno.test("outbox: a StartTransaction refused TransactionMessageAttempts times is parked: the next transaction's messages pass, its own StopTransaction stays behind it", () => {
  const log = new Log();
  log.started({ TransactionMessageAttempts: "2", TransactionMessageRetryInterval: "10" });
  log.online();
  /** Answers normally every CALL in flight until `stop` says to leave one unanswered. */
  const answerUntil = (stop: (c: SentCall) => boolean) => {
    for (let i = 0; i < 50 && log.state.inFlight !== undefined && !stop(log.inFlight); i++) {
      const c = log.inFlight;
      log.answer(
        c.action === "StartTransaction"
          ? { transactionId: 8, idTagInfo: { status: "Accepted" } }
          : {},
      );
    }
  };
  const isStart = (connectorId: number) => (c: SentCall) =>
    c.action === "StartTransaction" && c.payload.connectorId === connectorId;
  log.startTx(1, "a");
  answerUntil(isStart(1));
  const startA = log.inFlight;
  log.error(); // first refusal: retried in 10 s, everything of every transaction waits
  log.stopTx(1, "a", 1500);
  log.startTx(2, "b");
  answerUntil(() => false); // the StatusNotifications pass
  assert.equal(sentOf(log, "StartTransaction").length, 1, "b waits behind a's normal retry");
  log.advanceTo(log.now + 10_000);
  assert.equal(log.inFlight.id, startA.id);
  log.error(); // second refusal: parked (retried at least 60 s later), b may pass
  assert.equal(log.of("TransactionMessageFailed").at(-1)?.outcome, "Retry", "never dropped");
  assert.ok(isStart(2)(log.inFlight), "b's StartTransaction passes the parked one");
  answerUntil(() => false);
  log.stopTx(2, "b", 3000);
  answerUntil(() => false);
  const stopB = sentOf(log, "StopTransaction");
  assert.deepEqual(stopB.map((c) => c.payload.transactionId), [8], "only b's StopTransaction");
  assert.equal(log.state.outbox.peek()?.id, startA.id, "a's StartTransaction keeps its place");
  assert.deepEqual([...log.state.outbox].map((c) => c.action), [
    "StartTransaction",
    "StopTransaction",
  ]);
  // The parked StartTransaction is retried, same id; once answered its StopTransaction follows.
  log.advanceTo(log.state.outbox.peek()?.notBefore ?? 0);
  assert.equal(log.inFlight.id, startA.id);
  log.answer({ transactionId: 7, idTagInfo: { status: "Accepted" } });
  assert.equal(log.inFlight.action, "StopTransaction");
  assert.equal(log.inFlight.payload.transactionId, 7);
  log.drain();
  assert.deepEqual(
    sent(log).filter((c) => c.action.endsWith("Transaction")).map((c) =>
      `${c.action}:${String(c.payload.connectorId ?? c.payload.transactionId)}`
    ),
    [
      "StartTransaction:1",
      "StartTransaction:1",
      "StartTransaction:2",
      "StopTransaction:8",
      "StartTransaction:1",
      "StopTransaction:7",
    ],
  );
  assertReplays(log);
});

Deno.test("outbox: a message waiting for a normal retry is not passed by other transactions' messages", () => {
  const log = new Log();
  log.started({ TransactionMessageAttempts: "5", TransactionMessageRetryInterval: "30" });
  log.online();
  log.startTx(1, "a");
  log.drain(4);
  log.stopTx(1, "a", 1200);
  const stopA = log.inFlight;
  log.error();
  log.startTx(2, "b");
  log.drain();
  assert.equal(sentOf(log, "StartTransaction").length, 1, "b's StartTransaction waits");
  log.advanceTo(log.now + 30_000);
  assert.equal(log.inFlight.id, stopA.id, "the retry comes first");
  log.answer({});
  assert.ok(log.inFlight.action === "StartTransaction" && log.inFlight.payload.connectorId === 2);
  log.drain(5);
  assertReplays(log);
});

Deno.test("restart: follow-up events raised but not recorded when the process was killed are raised again at the next start, once", () => {
  const log = new Log();
  log.started({ TransactionMessageAttempts: "1" });
  log.online();
  log.add("FrameReceived", { text: "not json" });
  assert.equal(log.of("SecurityEventOccurred").length, 1, "raised and recorded");
  assert.deepEqual(log.state.raising, [], "nothing waits once the raised event is folded");
  // Killed right after storing an invalid frame and a CALLERROR: their follow-ups are lost.
  const invalid = log.addThenDie("FrameReceived", { text: "[2, 1]" });
  log.startTx(1, "s-1");
  for (let i = 0; i < 5 && log.inFlight.action !== "StartTransaction"; i++) log.answer({});
  const failed = log.addThenDie("FrameReceived", {
    text: JSON.stringify([4, log.inFlight.id, "InternalError", "", {}]),
  });
  const lost = [...invalid.effects.raise, ...failed.effects.raise];
  assert.deepEqual(lost.map((r) => r.type), ["SecurityEventOccurred", "TransactionMessageFailed"]);
  assert.deepEqual(log.state.raising, lost, "kept in the state until recorded");
  log.now += 5_000;
  log.started({ TransactionMessageAttempts: "1" }, ["s-1"]);
  assert.deepEqual(
    log.events.slice(-2).map((e) => [e.type, e.data]),
    lost.map((r) => [r.type, r.data]),
  );
  assert.deepEqual(log.state.raising, []);
  // Recorded once: a further start raises nothing again.
  log.started({ TransactionMessageAttempts: "1" }, ["s-1"]);
  assert.equal(log.of("SecurityEventOccurred").length, 2);
  assert.equal(log.of("TransactionMessageFailed").length, 1);
  assertReplays(log);
});

Deno.test("restart: a PowerLoss stop raised but not recorded is decided again by the next start", () => {
  const log = new Log();
  log.started();
  log.online();
  log.startTx(1, "s-1");
  log.drain(4);
  // The firmware said s-1 ended; the process is killed before the stop is recorded.
  log.started({}, [], true);
  assert.deepEqual(log.state.raising.map((r) => r.type), ["TransactionStopped", "SessionStopped"]);
  // The next start: the firmware continues s-1 after all; nothing is stopped.
  log.started({}, ["s-1"]);
  assert.equal(log.of("TransactionStopped").length, 0);
  assert.equal(log.state.connectors[1]?.transaction?.sessionId, "s-1");
  assert.deepEqual(log.state.raising, []);
  // And a start that does not continue it stops it once.
  log.started({}, []);
  assert.deepEqual(log.of("TransactionStopped").map((e) => e.reason), ["PowerLoss"]);
  assertReplays(log);
});

Deno.test("restart: the transaction CALL in flight when the process died is sent again with the same id", () => {
  const log = new Log();
  log.started();
  log.online();
  log.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "Authorized" });
  log.drain();
  log.add("TransactionStarted", {
    connector: 1,
    sessionId: "s-1",
    idToken: "TAG-1",
    meterStartWh: 0,
    timestamp: new Date(log.now).toISOString(),
  });
  const start = log.inFlight;
  assert.equal(start.action, "StartTransaction");
  // The process is killed (no ConnectionClosed, no ChargePointStopped) and starts again.
  log.now += 10_000;
  log.started({}, ["s-1"]);
  assert.equal(log.state.inFlight, undefined);
  assert.equal(log.state.outbox.peek()?.id, start.id);
  assert.equal(log.state.outbox.peek()?.attempts, 0, "a cut send is not an attempt");
  log.add("ConnectionOpened", { url: "ws://127.0.0.1:9/CP-1", protocol: "ocpp1.6" });
  assert.equal(log.inFlight.action, "BootNotification");
  log.answer({ status: "Accepted", currentTime: new Date(log.now).toISOString(), interval: 0 });
  assert.deepEqual(log.inFlight, start, "byte for byte the same CALL");
  log.drain(3);
  assert.equal(log.state.connectors[1]?.transaction?.sessionId, "s-1", "resumed");
  assertReplays(log);
});

Deno.test("restart: a transaction whose session is not resumed is stopped with reason PowerLoss and the last known meter value", () => {
  const log = new Log();
  log.started({ MeterValueSampleInterval: "0" });
  log.online();
  log.startTx(1, "s-1", 1000);
  log.startTx(2, "s-2", 3000);
  log.drain(9);
  log.add("ChargingResumed", { connector: 1 });
  log.now += 120_000;
  const lastAt = log.now;
  log.measure(1, 1450);
  log.drain();
  // Power loss; 5 minutes later the firmware restarts and only continues session s-2.
  log.now += 300_000;
  log.started({ MeterValueSampleInterval: "0" }, ["s-2"]);
  const stopped = log.of("TransactionStopped");
  assert.deepEqual(stopped, [{
    connector: 1,
    sessionId: "s-1",
    reason: "PowerLoss",
    timestamp: new Date(lastAt).toISOString(),
    energyWhImport: 1450,
  }]);
  assert.deepEqual(log.of("SessionStopped"), [{ connector: 1, sessionId: "s-1" }]);
  assert.equal(log.state.connectors[1]?.transaction, undefined);
  assert.equal(log.state.connectors[1]?.stored, "Available");
  assert.equal(log.state.connectors[2]?.transaction?.sessionId, "s-2", "s-2 continues");
  log.add("ConnectionOpened", { url: "ws://127.0.0.1:9/CP-1", protocol: "ocpp1.6" });
  const calls = log.drain(9);
  const stop = calls.find((c) => c.action === "StopTransaction");
  assert.deepEqual(
    { ...stop?.payload, transactionData: undefined },
    {
      meterStop: 1450,
      timestamp: new Date(lastAt).toISOString(),
      reason: "PowerLoss",
      transactionData: undefined,
      transactionId: 9,
    },
  );
  const status1 = calls.filter((c) =>
    c.action === "StatusNotification" && c.payload.connectorId === 1
  );
  assert.deepEqual(status1.map((c) => c.payload.status), ["Available"], "reported honestly");
  assertReplays(log);
});

Deno.test("restart: without resumeSessionIds every running transaction continues; a meter value older than the start is not used", () => {
  const log = new Log();
  log.started();
  log.online();
  log.measure(1, 900);
  log.now += 60_000;
  log.startTx(1, "s-1", 1000);
  log.drain(4);
  log.started();
  assert.equal(log.of("TransactionStopped").length, 0);
  assert.equal(log.state.connectors[1]?.transaction?.sessionId, "s-1");
  const startedAt = log.state.connectors[1]?.transaction?.startedAt;
  log.started({}, []);
  assert.deepEqual(log.of("TransactionStopped").map((e) => [e.energyWhImport, e.timestamp]), [
    [1000, startedAt],
  ]);
  assertReplays(log);
});

Deno.test("ping: no pong before the next ping is due closes the connection, even when both are due at once", () => {
  const log = new Log();
  log.started({ WebSocketPingInterval: "30" });
  log.online();
  const t0 = log.now;
  log.advanceTo(t0 + 30_000);
  log.add("PongReceived", {});
  log.advanceTo(t0 + 60_000);
  assert.equal(log.disconnects, 0, "answered ping: nothing");
  log.advanceTo(t0 + 90_000);
  assert.equal(log.disconnects, 1, "unanswered ping: the connection is considered dead");
});
