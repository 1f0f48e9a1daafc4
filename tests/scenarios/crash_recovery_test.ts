/**
 * Crash recovery: a real charge point process (`support/crash_child.ts`, system clock, SQLite
 * store) runs charging sessions on two connectors against a central system on 127.0.0.1 that
 * answers 0–300 ms late, now and then with a CALLERROR or a garbage frame, and is killed with
 * SIGKILL at random points (seeded; some while `start()` runs) many times in a bounded loop,
 * each time restarted on the same SQLite file, alternately resuming its sessions or not (PowerLoss).
 * A last run stops what is left and drains the outbox. Then:
 *
 * - every transaction is started and stopped exactly once at the central system: one message id
 *   per StartTransaction/StopTransaction, the StopTransaction carrying the transactionId its
 *   StartTransaction got; a resend is the same id (at-least-once delivery of the CALL in flight
 *   when the process died), at most one per killed process;
 * - every MeterValues and SecurityEventNotification the charge point queued reached the central
 *   system at least once per message id, or was dropped by the outbox policy with an event;
 * - nothing reached the central system that the log does not derive (durable before visible);
 * - every event a process reported stored is in the file with the same id and seq, the log has
 *   no seq gap and replays with validation; every raised follow-up event (InvalidMessages of a
 *   garbage frame, TransactionMessageFailed of a CALLERROR) is in the log exactly once.
 *
 * The seed is printed on failure; `CRASH_SEED=<n>` runs that seed again.
 */
import assert from "node:assert/strict";
import { type IncomingCall, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import { replay } from "../../core/replay.ts";
import { step } from "../../core/step.ts";
import { initialState, type OutgoingCall, type State } from "../../core/state.ts";
import { type ChargePointEvent, checkEvent, type EventData } from "../../events/mod.ts";
import type { RecordedEvent } from "../../events/envelope.ts";
import { prng } from "../bench/stats.ts";

const CHILD = new URL("./support/crash_child.ts", import.meta.url).pathname;
/** Processes killed. */
const KILLS = 24;
/** Bound of the last, draining run. */
const FINISH_TIMEOUT_MS = 40_000;
const TRANSACTION_ACTIONS = new Set([
  "StartTransaction",
  "StopTransaction",
  "MeterValues",
  "SecurityEventNotification",
]);
const GARBAGE = "crash test garbage";

type Kill = { readonly afterEvents: number } | { readonly afterMs: number };

interface Run {
  readonly label: string;
  /** The `E <seq> <id> <type>` lines: events the process reported stored. */
  readonly events: { seq: number; id: string; type: string }[];
  readonly ready: boolean;
  /** Milliseconds from the spawn to `ready`. */
  readonly startupMs: number | undefined;
  readonly done: boolean;
  readonly killed: boolean;
  readonly stderr: string;
}

/** Runs the child; with `kill`, SIGKILLs it after that many event lines or milliseconds. */
async function runChild(
  args: readonly string[],
  label: string,
  kill: Kill | undefined,
): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CHILD, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const spawned = performance.now();
  const stderr = new Response(child.stderr).text();
  let killed = false;
  const killNow = () => {
    if (killed) return;
    killed = true;
    child.kill("SIGKILL");
  };
  const limit = kill === undefined ? FINISH_TIMEOUT_MS : "afterMs" in kill ? kill.afterMs : 30_000;
  const timer = setTimeout(killNow, limit);
  const events: Run["events"] = [];
  let ready = false;
  let startupMs: number | undefined;
  let done = false;
  let buffer = "";
  const decoder = new TextDecoder();
  try {
    // Read to the end: lines written before the kill count as reported.
    for await (const chunk of child.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        const event = /^E (\d+) (\S+) (\S+)$/.exec(line);
        if (event !== null) {
          events.push({ seq: Number(event[1]), id: event[2]!, type: event[3]! });
          if (kill !== undefined && "afterEvents" in kill && events.length >= kill.afterEvents) {
            killNow();
          }
        } else if (line.startsWith("ready")) {
          ready = true;
          startupMs = performance.now() - spawned;
        } else if (line === "done") done = true;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  const status = await child.status;
  const err = await stderr;
  if (kill !== undefined) {
    assert.equal(status.signal, "SIGKILL", `${label}: ended by itself (${status.code}):\n${err}`);
  } else {
    assert.ok(!killed, `${label}: did not finish within ${FINISH_TIMEOUT_MS} ms:\n${err}`);
    assert.equal(status.code, 0, `${label}: exit ${status.code}:\n${err}`);
  }
  return { label, events, ready, startupMs, done, killed, stderr: err };
}

/** The central system: late answers, stable transactionIds per message id, some faults. */
function scriptCsms(csms: ScriptedCsms, random: () => number) {
  const transactionIds = new Map<string, number>();
  /** Garbage frames that could not be sent (the connection of a killed process closing). */
  const notSent: unknown[] = [];
  let garbage = 0;
  const late = (reply: Record<string, unknown>) => ({
    delayMs: Math.floor(random() * 300),
    reply,
  });
  /** Now and then a frame that is not JSON, to make the charge point raise InvalidMessages. */
  const maybeGarbage = () => {
    if (random() >= 0.05 || csms.openConnections === 0) return;
    try {
      csms.sendRaw(`${GARBAGE} ${++garbage}`);
    } catch (error) {
      notSent.push(error);
    }
  };
  const faulty = () => {
    maybeGarbage();
    return random() < 0.1
      ? late({ error: { code: "InternalError", description: "crash test" } })
      : late({});
  };
  csms.respond("StartTransaction", (call: IncomingCall) => {
    maybeGarbage();
    if (!transactionIds.has(call.messageId)) {
      transactionIds.set(call.messageId, transactionIds.size + 1);
    }
    return late({
      transactionId: transactionIds.get(call.messageId),
      idTagInfo: { status: "Accepted" },
    });
  });
  csms.respond("StopTransaction", () => late({}));
  csms.respond("StatusNotification", () => late({}));
  csms.respond("MeterValues", faulty);
  csms.respond("SecurityEventNotification", faulty);
  return { transactionIds, notSent };
}

/** Every transaction-related CALL the log ever queued, by message id (folding the log). */
function queuedCalls(events: readonly ChargePointEvent[]): Map<string, OutgoingCall> {
  const calls = new Map<string, OutgoingCall>();
  let state: State = initialState();
  for (const event of events) {
    const before = state;
    state = step(state, event, { frames: false }).state;
    if (state.outbox !== before.outbox) {
      for (const c of state.outbox) if (c.kind === "transaction") calls.set(c.id, c);
    }
    const flying = state.inFlight;
    if (flying?.kind === "transaction") calls.set(flying.id, flying);
  }
  return calls;
}

function dataOf<T extends ChargePointEvent["type"]>(
  events: readonly ChargePointEvent[],
  type: T,
): EventData<T>[] {
  return events.filter((e) => e.type === type).map((e) => e.data as EventData<T>);
}

function count<T>(items: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

Deno.test("crash recovery: a charge point killed (SIGKILL) at random points and restarted on its SQLite store delivers every transaction exactly once and loses no event", async () => {
  const seed = Number(Deno.env.get("CRASH_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  const dir = await Deno.makeTempDir({ prefix: "crash-recovery-" });
  const path = `${dir}/cp.sqlite`;
  const runs: Run[] = [];
  try {
    await using csms = await ScriptedCsms.start();
    const random = prng(seed);
    const { transactionIds, notSent } = scriptCsms(csms, random);
    const url = csms.url;

    // How long a start takes here (spawn to `ready`), from the latest run that got there.
    let startupMs = 150;
    for (let i = 0; i < KILLS; i++) {
      const resume = i % 2 === 0 ? "resume" : "stop";
      // A quarter of the kills land while the process starts (before `ready`: loading, replay,
      // ChargePointStarted and what it raises), a quarter right after the process reported its
      // k-th event, the others at a random time of its sessions.
      const kill: Kill = i % 4 === 0
        ? { afterMs: Math.floor(random() * startupMs) }
        : i % 4 === 1
        ? { afterEvents: 1 + Math.floor(random() * 60) }
        : { afterMs: Math.floor(startupMs + random() * 2500) };
      const run = await runChild(
        [path, url, "run", resume, String(seed + i)],
        `run ${i} (${resume}, ${JSON.stringify(kill)})`,
        kill,
      );
      runs.push(run);
      startupMs = run.startupMs ?? startupMs;
    }
    const last = await runChild(
      [path, url, "finish", KILLS % 2 === 0 ? "resume" : "stop", String(seed + KILLS)],
      "finish",
      undefined,
    );
    runs.push(last);
    assert.ok(last.done, "the last run delivered everything");

    const store = new SqliteEventStore(path);
    let stored: RecordedEvent[];
    let state: State;
    let frames: string[];
    try {
      stored = [...store.read(1)];
      ({ state, frames } = replay(store, { validate: true }));
    } finally {
      store.close();
    }
    // The log: no seq gap, every event a process reported is there with the same id.
    stored.forEach((e, i) => assert.equal(e.seq, i + 1, "no seq gap"));
    for (const run of runs) {
      for (const line of run.events) {
        const e = stored[line.seq - 1];
        assert.deepEqual([e?.id, e?.type], [line.id, line.type], `${run.label}: seq ${line.seq}`);
      }
    }
    const events: ChargePointEvent[] = stored.map((e) => {
      const checked = checkEvent(e);
      assert.ok(checked.ok);
      return checked.event;
    });
    assert.equal(state.outbox.size, 0, "nothing left to send");
    assert.equal(state.inFlight, undefined);
    assert.deepEqual(state.raising, [], "every raised event recorded");
    assert.ok(state.connectors.every((c) => c.transaction === undefined));

    // Each transaction of the log started and stopped exactly once in the log.
    const started = events.filter((e) => e.type === "TransactionStarted");
    const stopped = dataOf(events, "TransactionStopped");
    assert.ok(started.length >= KILLS / 2, `${started.length} transactions`);
    const stopsPerSession = count(stopped.map((s) => s.sessionId));
    for (const e of started) {
      const { sessionId } = e.data as EventData<"TransactionStarted">;
      assert.equal(stopsPerSession.get(sessionId), 1, `session ${sessionId} stopped once`);
    }
    assert.equal(stopped.length, started.length);

    // What the central system received, against what the log queued.
    const calls = queuedCalls(events);
    const received = csms.received.filter((c) => TRANSACTION_ACTIONS.has(c.action));
    const frameCount = count(received.map((c) => c.messageId));
    for (const c of received) {
      assert.equal(calls.get(c.messageId)?.action, c.action, `${c.action} ${c.messageId} queued`);
    }
    const kills = runs.filter((r) => r.killed).length;
    // A CALL goes again only after a CALLERROR (its retry) or when the process died with it in
    // flight: at most one per killed process.
    const refusedSends = csms.frames.filter((f) =>
      f.dir === "toCp" && Array.isArray(f.message) && f.message[0] === 4 &&
      frameCount.has(String(f.message[1]))
    ).length;
    const resends = received.length - frameCount.size;
    assert.ok(
      resends <= kills + refusedSends,
      `${resends} resends for ${kills} killed processes and ${refusedSends} CALLERRORs`,
    );
    const dropped = new Set([
      ...dataOf(events, "TransactionMessageFailed").filter((f) =>
        f.outcome === "Dropped"
      )
        .map((f) => f.messageId),
      ...dataOf(events, "TransactionMessagesDropped").flatMap((d) =>
        d.messages.map((m) => m.messageId)
      ),
    ]);
    for (const [id, call] of calls) {
      assert.ok(frameCount.has(id) || dropped.has(id), `${call.action} ${id} lost`);
      if (call.action === "StartTransaction" || call.action === "StopTransaction") {
        assert.ok(!dropped.has(id), `${call.action} ${id} dropped`);
      }
    }

    // Exactly once per transaction: one StartTransaction id and one StopTransaction id each,
    // the StopTransaction and the MeterValues with the transactionId of its StartTransaction.
    const byTx = new Map<string, OutgoingCall[]>();
    for (const call of calls.values()) {
      if (call.txRef === undefined) continue;
      byTx.set(call.txRef, [...(byTx.get(call.txRef) ?? []), call]);
    }
    assert.equal(byTx.size, started.length);
    const lastPayload = new Map(received.map((c) => [c.messageId, c.params]));
    for (const e of started) {
      const txCalls = byTx.get(e.id) ?? [];
      const starts = txCalls.filter((c) => c.action === "StartTransaction");
      const stops = txCalls.filter((c) => c.action === "StopTransaction");
      assert.equal(starts.length, 1, `transaction ${e.id}: one StartTransaction`);
      assert.equal(stops.length, 1, `transaction ${e.id}: one StopTransaction`);
      const transactionId = transactionIds.get(starts[0]!.id);
      assert.ok(transactionId !== undefined, `transaction ${e.id} started at the central system`);
      for (const c of txCalls.filter((c) => c.action !== "StartTransaction")) {
        if (!frameCount.has(c.id)) continue;
        const payload = lastPayload.get(c.id) as { transactionId?: number };
        assert.equal(payload.transactionId, transactionId, `${c.action} ${c.id}`);
      }
    }
    // At the central system, by message id: as many StartTransactions as transactions, each
    // transactionId stopped by exactly one StopTransaction id, no start received twice under two ids.
    const startIds = new Set(
      received.filter((c) => c.action === "StartTransaction").map((c) => c.messageId),
    );
    assert.equal(startIds.size, started.length, "one StartTransaction id per transaction");
    assert.equal(
      new Set(
        received.filter((c) => c.action === "StartTransaction").map((c) =>
          JSON.stringify(c.params)
        ),
      ).size,
      started.length,
      "no transaction started twice under different ids",
    );
    const stopsByTxId = new Map<number, Set<string>>();
    for (const c of received.filter((c) => c.action === "StopTransaction")) {
      const id = (c.params as { transactionId: number }).transactionId;
      stopsByTxId.set(id, new Set([...(stopsByTxId.get(id) ?? []), c.messageId]));
    }
    assert.equal(stopsByTxId.size, transactionIds.size, "every transactionId stopped");
    for (const [id, stops] of stopsByTxId) {
      assert.equal(stops.size, 1, `transactionId ${id}: one StopTransaction id`);
    }
    assert.ok(
      received.some((c) => c.action === "MeterValues") &&
        received.some((c) => c.action === "SecurityEventNotification"),
      "MeterValues and SecurityEventNotification were in flight too",
    );

    // Raised follow-up events: exactly one per cause.
    const frameTexts = dataOf(events, "FrameReceived").map((f) => f.text);
    const invalid = count(
      dataOf(events, "SecurityEventOccurred").filter((s) => s.eventType === "InvalidMessages")
        .map((s) => s.techInfo),
    );
    for (const text of frameTexts.filter((t) => t.startsWith(GARBAGE))) {
      assert.equal(invalid.get(text), 1, `one InvalidMessages for "${text}"`);
    }
    const failures = count(dataOf(events, "TransactionMessageFailed").map((f) => f.messageId));
    const callErrors = count(
      frameTexts.filter((t) => t.startsWith("[4,")).map((t) =>
        (JSON.parse(t) as [number, string])[1]
      ),
    );
    for (const [id, n] of callErrors) {
      if (calls.has(id)) assert.equal(failures.get(id), n, `TransactionMessageFailed of ${id}`);
    }

    console.log(
      `CRASH_SEED=${seed}: ${kills} kills (${
        runs.filter((r) => r.killed && !r.ready).length
      } while starting), ${started.length} transactions, ${received.length} transaction CALLs ` +
        `received (${resends} resends), ${invalid.size} InvalidMessages, ${failures.size} ` +
        `messages refused, ${dropped.size} dropped`,
    );

    // The kills landed where they were meant to.
    assert.ok(runs.some((r) => r.killed && !r.ready), "some processes were killed while starting");
    assert.ok(runs.filter((r) => r.killed && r.ready).length >= KILLS / 2, "most mid-session");

    // Durable before visible: every frame the central system got is one the log derives.
    const derived = count(frames);
    const got = count(csms.frames.filter((f) => f.dir === "fromCp").map((f) => f.text));
    for (const [text, n] of got) {
      assert.ok((derived.get(text) ?? 0) >= n, `sent but not derived from the log: ${text}`);
    }
    for (const error of notSent) assert.match(String(error), /readyState|no open connection/i);
    const connections = new Set(csms.frames.map((f) => f.connection));
    for (const connection of connections) {
      assertAllValid(
        csms.frames.filter((f) => f.connection === connection && !f.text.startsWith(GARBAGE)),
      );
    }
  } catch (error) {
    const history = runs.map((r) =>
      `${r.label}: ${r.events.length} events, ready=${r.ready}, killed=${r.killed}`
    ).join("\n");
    throw new Error(`crash test failed with CRASH_SEED=${seed}\n${history}`, { cause: error });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
