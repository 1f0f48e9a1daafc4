/**
 * `deno task demo`: a two-connector charge point with the embedded SQLite log runs a whole charging
 * session against an embedded central system on 127.0.0.1, then prints the timeline of events,
 * states and OCPP frames, read back from the log. Time is a manual clock, so the minutes of the
 * session pass in milliseconds.
 *
 * `--data-dir <dir>` (default `data/demo`) is where the SQLite log (`CP-DEMO.sqlite`), its JSONL
 * export (`CP-DEMO.jsonl`) and the security log go; the demo replaces only these files.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ChargePoint } from "../charge_point.ts";
import { ManualClock } from "../clock.ts";
import { SqliteEventStore } from "../sqlite_event_store.ts";
import { securityLog } from "../../plugins/security_log.ts";
import { EmbeddedCsms, type ReceivedCall } from "./embedded_csms.ts";
import { logReport } from "./timeline.ts";
import { exportJsonlFile } from "../jsonl.ts";

const CHARGE_POINT_ID = "CP-DEMO";

/** Waits (real time, bounded) until the central system has received `count` CALLs of `action`. */
async function received(csms: EmbeddedCsms, action: string, count = 1): Promise<ReceivedCall[]> {
  for (let i = 0; i < 500; i++) {
    const calls = csms.received.filter((c) => c.action === action);
    if (calls.length >= count) return calls;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`demo: the central system did not receive ${count} × ${action}`);
}

/** Removes what an earlier run left in `dir` (its own files only). */
async function removeEarlierRun(dir: string): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(`${CHARGE_POINT_ID}.`) || entry.name.startsWith("security.log")) {
      await Deno.remove(`${dir}/${entry.name}`);
    }
  }
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { "data-dir": { type: "string", default: "data/demo" } },
  });
  const dir = values["data-dir"];
  const log = `${dir}/${CHARGE_POINT_ID}.sqlite`;
  const jsonl = `${dir}/${CHARGE_POINT_ID}.jsonl`;
  await removeEarlierRun(dir);
  const clock = new ManualClock(Date.now());
  const csms = EmbeddedCsms.start();
  const store = new SqliteEventStore(log);
  const cp = new ChargePoint({
    chargePointId: CHARGE_POINT_ID,
    csmsUrl: csms.url,
    connectors: 2,
    store,
    clock,
    bootNotification: {
      chargePointVendor: "Acme",
      chargePointModel: "AC22",
      firmwareVersion: "1.0.0",
    },
    configuration: {
      MeterValueSampleInterval: "60",
      MeterValuesSampledData: "Energy.Active.Import.Register,Power.Active.Import",
    },
    plugins: [securityLog({ path: `${dir}/security.log` })],
    callbacks: { setSystemTime: () => {} },
  });
  try {
    await cp.start();
    await received(csms, "StatusNotification", 3);

    const at = () => new Date(clock.now());
    const meter = (wh: number, w: number) =>
      cp.onMeterValues(1, {
        powerMeter: { timestamp: at(), energyWhImport: { total: wh }, powerW: { total: w } },
      });

    cp.onSessionStarted(1, "session-1", "EVConnected");
    const auth = await cp.authorizeIdToken("TAG-0001");
    cp.onTransactionStarted(1, "session-1", "TAG-0001", 1000, undefined, at());
    await received(csms, "StartTransaction");
    meter(1000, 0);
    cp.onResumeCharging(1);
    for (let minute = 1; minute <= 2; minute++) {
      meter(1000 + minute * 180, 11000);
      await clock.advance(60_000);
      await received(csms, "MeterValues", minute);
    }
    cp.onSuspendChargingEv(1, "EV full for now");
    cp.onResumeCharging(1);
    cp.onError(1, {
      uuid: "err-1",
      errorCode: "HighTemperature",
      isFault: true,
      info: "cable hot",
    });
    cp.onErrorCleared(1, "err-1");
    meter(1420, 0);
    cp.onTransactionStopped(1, "session-1", "Local", at(), 1420, "TAG-0001");
    cp.onSessionStopped(1, "session-1");
    await received(csms, "StopTransaction");
    await received(csms, "StatusNotification", 11);
    console.log(`authorize TAG-0001 → ${auth.status}\n`);
  } finally {
    await cp.stop();
    await csms.stop();
  }
  try {
    for (const line of logReport(store)) console.log(line);
    await exportJsonlFile(store.read(1), jsonl);
  } finally {
    store.close();
  }
  console.log(`\nThe log: ${log} (exported as ${jsonl}).`);
  console.log(`Replay it with: deno task replay ${log}   (or ${jsonl})`);
}

if (import.meta.main) await main(Deno.args);
