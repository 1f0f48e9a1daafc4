/**
 * `deno task demo`: a two-connector charge point with the embedded SQLite log runs a whole charging
 * session against an embedded central system on 127.0.0.1, then prints the timeline of events,
 * states and OCPP frames, read back from the log. Time is a manual clock, so the minutes of the
 * session pass in milliseconds.
 *
 * @module
 */
import { ChargePoint } from "../charge_point.ts";
import { ManualClock } from "../clock.ts";
import { SqliteEventStore } from "../sqlite_event_store.ts";
import { securityLog } from "../../plugins/security_log.ts";
import { EmbeddedCsms, type ReceivedCall } from "./embedded_csms.ts";
import { timeline } from "./timeline.ts";
import { replay } from "../replay.ts";

const DIR = "data/demo";
const LOG = `${DIR}/CP-DEMO.sqlite`;

/** Waits (real time, bounded) until the central system has received `count` CALLs of `action`. */
async function received(csms: EmbeddedCsms, action: string, count = 1): Promise<ReceivedCall[]> {
  for (let i = 0; i < 500; i++) {
    const calls = csms.received.filter((c) => c.action === action);
    if (calls.length >= count) return calls;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`demo: the central system did not receive ${count} × ${action}`);
}

async function main(): Promise<void> {
  await Deno.remove(DIR, { recursive: true }).catch(() => undefined);
  const clock = new ManualClock(Date.now());
  const csms = EmbeddedCsms.start();
  const store = new SqliteEventStore(LOG);
  const cp = new ChargePoint({
    chargePointId: "CP-DEMO",
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
    plugins: [securityLog({ path: `${DIR}/security.log` })],
    callbacks: { setSystemTime: () => {} },
  });
  try {
    await cp.start();
    await received(csms, "StatusNotification", 3);
    cp.onSecurityEvent("StartupOfTheDevice", "demo boot");

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
  for (const line of timeline(store.read(1))) console.log(line);
  const result = replay(store);
  console.log(`\n${result.events} events in ${LOG}; ${result.frames.length} frames sent`);
  for (const [id, status] of Object.entries(result.connectors)) {
    console.log(`connector ${id}: ${status}`);
  }
  console.log(`\nReplay it with: deno task replay ${LOG}`);
  store.close();
}

if (import.meta.main) await main();
