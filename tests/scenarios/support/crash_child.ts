/**
 * Child process of the crash test (`crash_recovery_test.ts`): a charge point on a SQLite store
 * with the system clock, driven by a simulated firmware that runs charging sessions on both
 * connectors, until the parent kills it with SIGKILL.
 *
 * Usage: `crash_child.ts <db path> <csms url> run|finish resume|stop <seed>`
 *
 * - Every event the log accepted is printed as `E <seq> <id> <type>` (after the store accepted
 *   it), `ready` once `start()` resolved, `done` when `finish` is complete.
 * - Sessions last 1–4 s, measured every 150–400 ms; the periodic (1 s) and clock-aligned (2 s)
 *   samples, and now and then a critical security event, keep MeterValues and
 *   SecurityEventNotification in flight besides StartTransaction/StopTransaction.
 * - At start the firmware "remembers" its sessions from the log; with `resume` it continues the
 *   running ones (`start({ resumeSessionIds })`) and stops them itself (reason Local), with
 *   `stop` it continues none (the charge point stops them with reason PowerLoss).
 * - `finish`: no new session; the resumed transactions are stopped, then it waits (bounded) until
 *   every message is delivered, prints `done` and stops cleanly.
 *
 * @module
 */
import { ChargePoint } from "../../../core/charge_point.ts";
import { SqliteEventStore } from "../../../core/sqlite_event_store.ts";
import { replay } from "../../../core/replay.ts";
import { prng } from "../../bench/stats.ts";

const [path, csmsUrl, mode, resumeMode, seedText] = Deno.args;
if (
  path === undefined || csmsUrl === undefined || (mode !== "run" && mode !== "finish") ||
  (resumeMode !== "resume" && resumeMode !== "stop") || seedText === undefined
) {
  throw new Error("usage: crash_child.ts <db> <url> run|finish resume|stop <seed>");
}

const encoder = new TextEncoder();
function out(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

const random = prng(Number(seedText));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A meter register that only goes up, across processes: 0.1 Wh per ms of wall time. */
const energy = () => Math.floor(Date.now() / 10) % 1_000_000_000;

const store = new SqliteEventStore(path);
// The firmware's memory of its sessions is what the log says.
const before = replay(store).state;
const running = before.connectors.flatMap((c) =>
  c.transaction === undefined ? [] : [c.transaction.sessionId]
);
const resumeSessionIds = resumeMode === "resume" ? running : [];

const cp = new ChargePoint({
  chargePointId: "CP-CRASH",
  csmsUrl,
  connectors: 2,
  store,
  bootNotification: { chargePointVendor: "Acme", chargePointModel: "CrashTest" },
  configuration: {
    MeterValueSampleInterval: "1",
    MeterValuesSampledData: "Energy.Active.Import.Register",
    ClockAlignedDataInterval: "2",
    MeterValuesAlignedData: "Energy.Active.Import.Register",
    TransactionMessageAttempts: "3",
    TransactionMessageRetryInterval: "1",
    RetryBackoffWaitMinimum: "1",
    RetryBackoffRandomRange: "0",
    RetryBackoffRepeatTimes: "0",
    MessageQueueFlushRate: "0",
  },
});
cp.log.subscribe((e) => out(`E ${e.seq} ${e.id} ${e.type}`));
await cp.start({ resumeSessionIds });
out(`ready resumed=${resumeSessionIds.join(",")}`);

function measure(connector: number): void {
  cp.onMeterValues(connector, {
    powerMeter: { timestamp: new Date(), energyWhImport: { total: energy() } },
  });
}

/** Stops the transaction running on `connector` (a resumed one), as the firmware would. */
async function finishRunning(connector: number): Promise<void> {
  const tx = cp.state.connectors[connector]?.transaction;
  if (tx === undefined) return;
  measure(connector);
  await sleep(50 + random() * 200);
  cp.onTransactionStopped(connector, tx.sessionId, "Local", new Date(), energy());
  cp.onSessionStopped(connector, tx.sessionId);
}

async function sessions(connector: number): Promise<void> {
  await finishRunning(connector);
  for (let n = 0; n < 1000; n++) {
    const sessionId = `${seedText}-${connector}-${n}`;
    cp.onSessionStarted(connector, sessionId, "Authorized");
    await sleep(random() * 100);
    cp.onTransactionStarted(connector, sessionId, "TAG-1", energy(), undefined, new Date());
    cp.onResumeCharging(connector);
    const end = Date.now() + 1000 + random() * 3000;
    while (Date.now() < end) {
      measure(connector);
      if (random() < 0.08) {
        cp.onSecurityEvent("TamperDetectionActivated", `crash test ${sessionId}`, true);
      }
      await sleep(150 + random() * 250);
    }
    cp.onTransactionStopped(connector, sessionId, "Local", new Date(), energy());
    cp.onSessionStopped(connector, sessionId);
    await sleep(random() * 150);
  }
}

if (mode === "run") {
  // Bounded even if nobody kills it.
  setTimeout(() => Deno.exit(3), 30_000);
  await Promise.all([sessions(1), sessions(2)]);
} else {
  await Promise.all([finishRunning(1), finishRunning(2)]);
  const end = Date.now() + 30_000;
  const s = () => cp.state;
  while (
    !(s().registration === "Accepted" && s().link === "Open" && s().outbox.size === 0 &&
      s().inFlight === undefined && s().connectors.every((c) => c.transaction === undefined))
  ) {
    if (Date.now() > end) {
      out(`timeout outbox=${s().outbox.size} link=${s().link} reg=${s().registration}`);
      Deno.exit(2);
    }
    await sleep(20);
  }
  out("done");
  await cp.stop();
  store.close();
  Deno.exit(0);
}
