import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  type ActiveError,
  addError,
  CHARGE_POINT_ERROR_CODES,
  CHARGE_POINT_STATUSES,
  type ChargePointErrorCode,
  type ChargePointStatus,
  clearAllErrors,
  clearError,
  type ConnectorErrors,
  currentStatus,
  ERROR_INFO_MAX_LENGTHS,
  FSM_EVENTS,
  type FsmEvent,
  isFaulted,
  latestError,
  NO_ERRORS,
  reportedStatus,
  statusAfterAllErrorsCleared,
  statusAfterErrorCleared,
  statusAfterErrorRaised,
  statusAfterTransition,
  transition,
  truncate,
  truncateErrorInfo,
} from "../../core/connector_fsm.ts";

// ---------------------------------------------------------------------------------------------
// Transition table: written out independently of the implementation, from libocpp FSM_DEF
// (reference §3.2). Columns in this order; "-" = no transition.
// ---------------------------------------------------------------------------------------------
const COLUMNS = [
  "BecomeAvailable",
  "UsageInitiated",
  "StartCharging",
  "PauseChargingEV",
  "PauseChargingEVSE",
  "ReserveConnector",
  "TransactionStoppedAndUserActionRequired",
  "ChangeAvailabilityToUnavailable",
  "ReservationEnd",
] as const;

// Abbreviations: Av=Available Pr=Preparing Ch=Charging EV=SuspendedEV SE=SuspendedEVSE
// Fi=Finishing Re=Reserved Un=Unavailable; "-" = ignored. Columns in COLUMNS order.
const TABLE_TEXT = `
                BecomeAv UsageIn StartCh PauseEV PauseSE Reserve TxStop  ToUnav  ResEnd
  Available     -        Pr      Ch      EV      SE      Re      -       Un      -
  Preparing     Av       -       Ch      EV      SE      -       Fi      -       -
  Charging      Av       -       -       EV      SE      -       Fi      Un      -
  SuspendedEV   Av       -       Ch      -       SE      -       Fi      Un      -
  SuspendedEVSE Av       -       Ch      EV      -       -       Fi      Un      -
  Finishing     Av       Pr      -       -       -       -       -       Un      -
  Reserved      Av       Pr      -       -       -       -       -       Un      Av
  Unavailable   Av       Pr      Ch      EV      SE      -       -       -       -
  Faulted       -        -       -       -       -       -       -       -       -
`;
const ABBREVIATIONS: Record<string, string> = {
  Av: "Available",
  Pr: "Preparing",
  Ch: "Charging",
  EV: "SuspendedEV",
  SE: "SuspendedEVSE",
  Fi: "Finishing",
  Re: "Reserved",
  Un: "Unavailable",
  "-": "-",
};
const EXPECTED: Record<string, string[]> = Object.fromEntries(
  TABLE_TEXT.trim().split("\n").slice(1).map((line) => {
    const [from, ...cells] = line.trim().split(/\s+/);
    return [from, cells.map((c) => ABBREVIATIONS[c])];
  }),
);

Deno.test("constants: 9 statuses, 9 events, 16 error codes", () => {
  deepStrictEqual([...CHARGE_POINT_STATUSES].sort(), Object.keys(EXPECTED).sort());
  deepStrictEqual([...FSM_EVENTS], [...COLUMNS]);
  deepStrictEqual(CHARGE_POINT_ERROR_CODES.length, 16);
  ok(CHARGE_POINT_ERROR_CODES.includes("NoError"));
});

let cells = 0;
for (const [from, row] of Object.entries(EXPECTED)) {
  deepStrictEqual(row.length, 9);
  ok(row.every((c) => c !== undefined), `bad abbreviation in row ${from}`);
  COLUMNS.forEach((event, i) => {
    cells++;
    const expected = row[i] === "-" ? undefined : row[i];
    Deno.test(`transition: ${from} --${event}--> ${expected ?? "(ignored)"}`, () => {
      strictEqual(transition(from as ChargePointStatus, event as FsmEvent), expected);
    });
  });
}

Deno.test("transition table has 81 cells and no self-transitions", () => {
  deepStrictEqual(cells, 81);
  for (const s of CHARGE_POINT_STATUSES) {
    for (const e of FSM_EVENTS) ok(transition(s, e) !== s, `${s} --${e}--> itself`);
  }
});

Deno.test("transition: typical EVerest plug-in-first session", () => {
  let s: ChargePointStatus = "Available";
  const steps: [FsmEvent, ChargePointStatus][] = [
    ["UsageInitiated", "Preparing"],
    ["StartCharging", "Charging"],
    ["PauseChargingEV", "SuspendedEV"],
    ["StartCharging", "Charging"],
    ["TransactionStoppedAndUserActionRequired", "Finishing"],
    ["BecomeAvailable", "Available"],
  ];
  for (const [e, want] of steps) {
    const next = transition(s, e);
    deepStrictEqual(next, want);
    s = next!;
  }
});

// ---------------------------------------------------------------------------------------------
// Error overlay. Ports of libocpp tests/lib/ocpp/v16/test_charge_point_state_machine.cpp
// (reference §10.1) with 0.25+ expectations. A tiny harness mimics ChargePointFSM: it keeps the
// stored state and the errors and records every StatusNotification (state, errorCode).
// ---------------------------------------------------------------------------------------------
const T0 = "2026-01-01T00:00:00.000Z";

function err(
  uuid: string,
  errorCode: ChargePointErrorCode,
  isFault: boolean,
  extra: Partial<ActiveError> = {},
): ActiveError {
  return { uuid, errorCode, isFault, timestamp: T0, ...extra };
}

class Fsm {
  state: ChargePointStatus = "Available";
  errors: ConnectorErrors = NO_ERRORS;
  calls: {
    status: ChargePointStatus;
    errorCode: ChargePointErrorCode;
    info?: string;
    vendorId?: string;
  }[] = [];
  error(e: ActiveError) {
    const n = statusAfterErrorRaised(this.state, this.errors, e);
    this.errors = addError(this.errors, e);
    if (n) this.calls.push(n);
  }
  cleared(uuid: string) {
    const n = statusAfterErrorCleared(this.state, this.errors, uuid);
    this.errors = clearError(this.errors, uuid);
    if (n) this.calls.push(n);
  }
  allCleared() {
    this.errors = clearAllErrors(this.errors);
    this.calls.push(statusAfterAllErrorsCleared(this.state));
  }
  event(e: FsmEvent, info?: string) {
    const next = transition(this.state, e);
    if (next === undefined) return;
    this.state = next;
    const n = statusAfterTransition(next, this.errors, info);
    if (n) this.calls.push(n);
  }
  count(status: ChargePointStatus, errorCode: ChargePointErrorCode): number {
    return this.calls.filter((c) => c.status === status && c.errorCode === errorCode).length;
  }
}

Deno.test("libocpp HandleError: two faults, each reported Faulted with its own code", () => {
  const f = new Fsm();
  f.error(err("uuid1", "ConnectorLockFailure", true));
  f.error(err("uuid2", "GroundFailure", true));
  deepStrictEqual(f.count("Faulted", "ConnectorLockFailure"), 1);
  deepStrictEqual(f.count("Faulted", "GroundFailure"), 1);
  deepStrictEqual(f.calls.length, 2);
});

Deno.test("libocpp HandleError__ChangeState: non-fault then transition keeps the error code", () => {
  const f = new Fsm();
  f.error(err("uuid1", "GroundFailure", false, { info: "InfoField", vendorId: "vendor_id" }));
  f.event("UsageInitiated", "AnotherInfoField");
  deepStrictEqual(f.count("Available", "GroundFailure"), 1);
  deepStrictEqual(f.count("Preparing", "GroundFailure"), 1);
  deepStrictEqual(f.calls[0], {
    status: "Available",
    errorCode: "GroundFailure",
    info: "InfoField",
    vendorId: "vendor_id",
  });
  // the event's info replaces the error's info; vendor fields come from the latest error
  deepStrictEqual(f.calls[1], {
    status: "Preparing",
    errorCode: "GroundFailure",
    info: "AnotherInfoField",
    vendorId: "vendor_id",
  });
});

Deno.test("libocpp HandleErrorCleared: clearing the only fault reports NoError", () => {
  const f = new Fsm();
  f.error(err("uuid1", "ConnectorLockFailure", true));
  f.cleared("uuid1");
  deepStrictEqual(f.count("Available", "NoError"), 1);
  deepStrictEqual(f.calls.at(-1), { status: "Available", errorCode: "NoError" });
});

Deno.test("libocpp HandleErrorCleared__TwoErrors__OneCleared (0.25+: remaining error re-reported)", () => {
  const f = new Fsm();
  f.error(err("uuid1", "ConnectorLockFailure", false));
  f.error(err("uuid2", "GroundFailure", false));
  f.cleared("uuid2");
  deepStrictEqual(f.count("Available", "ConnectorLockFailure"), 2);
  deepStrictEqual(f.count("Available", "GroundFailure"), 1);
  deepStrictEqual(f.count("Available", "NoError"), 0);
  deepStrictEqual(latestError(f.errors)?.errorCode, "ConnectorLockFailure");
});

Deno.test("libocpp HandleError__NonFault: reported with the stored state", () => {
  const f = new Fsm();
  f.error(err("uuid1", "ConnectorLockFailure", false));
  deepStrictEqual(f.count("Available", "ConnectorLockFailure"), 1);
  deepStrictEqual(f.calls.length, 1);
});

Deno.test("libocpp HandleErrorCleared__NonFault: clearing reports NoError", () => {
  const f = new Fsm();
  f.error(err("uuid1", "ConnectorLockFailure", false));
  f.cleared("uuid1");
  deepStrictEqual(f.count("Available", "NoError"), 1);
});

Deno.test("libocpp HandleErrorCleared__ClearUnknown (0.25+: unknown uuids ignored)", () => {
  const f = new Fsm();
  f.error(err("uuid1", "ConnectorLockFailure", false));
  f.cleared("uuid2");
  f.cleared("uuid3");
  f.cleared("uuid4");
  deepStrictEqual(f.count("Available", "NoError"), 0);
  deepStrictEqual(f.calls.length, 1);
  deepStrictEqual(f.errors.active.map((e) => e.uuid), ["uuid1"]);
});

Deno.test("libocpp 0.25+ HandleErrorCleared__NonFault__StillActive", () => {
  const f = new Fsm();
  f.error(err("uuid1", "ConnectorLockFailure", false));
  f.error(err("uuid2", "GroundFailure", true));
  f.cleared("uuid2");
  f.cleared("uuid1");
  deepStrictEqual(f.count("Available", "ConnectorLockFailure"), 2);
  deepStrictEqual(f.count("Faulted", "GroundFailure"), 1);
  deepStrictEqual(f.count("Available", "NoError"), 1);
  deepStrictEqual(f.calls.length, 4);
});

Deno.test("clearing unknown uuid with no errors sends nothing (0.24.x sent NoError)", () => {
  const f = new Fsm();
  f.cleared("nope");
  deepStrictEqual(f.calls, []);
});

Deno.test("clearing a non-fault while a fault remains sends nothing", () => {
  const f = new Fsm();
  f.error(err("a", "GroundFailure", true));
  f.error(err("b", "HighTemperature", false));
  f.cleared("b");
  deepStrictEqual(f.calls.length, 2);
  deepStrictEqual(reportedStatus(f.state, f.errors), "Faulted");
});

Deno.test("clearing re-reports the latest remaining error with its info and vendor fields", () => {
  const f = new Fsm();
  f.error(
    err("a", "HighTemperature", false, { info: "hot", vendorId: "acme", vendorErrorCode: "T1" }),
  );
  f.error(err("b", "WeakSignal", false));
  f.cleared("b");
  deepStrictEqual(f.calls.at(-1), {
    status: "Available",
    errorCode: "HighTemperature",
    info: "hot",
    vendorId: "acme",
    vendorErrorCode: "T1",
  });
});

Deno.test("duplicate uuid: ignored, nothing sent, same object returned", () => {
  const f = new Fsm();
  f.error(err("a", "GroundFailure", false));
  const before = f.errors;
  f.error(err("a", "OverVoltage", true));
  strictEqual(f.errors, before);
  deepStrictEqual(f.calls.length, 1);
  deepStrictEqual(isFaulted(f.errors), false);
  strictEqual(
    statusAfterErrorRaised("Available", before, err("a", "OverVoltage", true)),
    undefined,
  );
});

Deno.test("raising a non-fault while faulted reports Faulted with the new error's code", () => {
  const f = new Fsm();
  f.error(err("a", "GroundFailure", true));
  f.error(err("b", "WeakSignal", false, { info: "rssi low" }));
  deepStrictEqual(f.calls.at(-1), { status: "Faulted", errorCode: "WeakSignal", info: "rssi low" });
});

Deno.test("transitions while faulted move the stored state silently; clearing reports it", () => {
  const f = new Fsm();
  f.error(err("a", "GroundFailure", true));
  f.event("UsageInitiated", "EVConnected");
  f.event("StartCharging");
  deepStrictEqual(f.state, "Charging");
  deepStrictEqual(reportedStatus(f.state, f.errors), "Faulted");
  deepStrictEqual(f.calls.length, 1);
  f.cleared("a");
  deepStrictEqual(f.calls.at(-1), { status: "Charging", errorCode: "NoError" });
});

Deno.test("ignored events produce no notification", () => {
  const f = new Fsm();
  f.event("BecomeAvailable");
  f.event("ReservationEnd");
  deepStrictEqual(f.calls, []);
});

Deno.test("transition without errors: NoError and the event's info", () => {
  deepStrictEqual(statusAfterTransition("Preparing", NO_ERRORS, "EVConnected"), {
    status: "Preparing",
    errorCode: "NoError",
    info: "EVConnected",
  });
  deepStrictEqual(statusAfterTransition("Preparing", NO_ERRORS), {
    status: "Preparing",
    errorCode: "NoError",
  });
});

Deno.test("transition with a non-fault error: error's info is NOT used, vendor fields are", () => {
  const errors = addError(
    NO_ERRORS,
    err("a", "HighTemperature", false, { info: "hot", vendorId: "acme", vendorErrorCode: "T1" }),
  );
  deepStrictEqual(statusAfterTransition("Charging", errors), {
    status: "Charging",
    errorCode: "HighTemperature",
    vendorId: "acme",
    vendorErrorCode: "T1",
  });
});

Deno.test("all errors cleared: always stored state with NoError", () => {
  const f = new Fsm();
  f.allCleared();
  f.error(err("a", "GroundFailure", true));
  f.error(err("b", "OverVoltage", false));
  f.allCleared();
  deepStrictEqual(f.count("Available", "NoError"), 2);
  strictEqual(f.errors, NO_ERRORS);
  strictEqual(clearAllErrors(NO_ERRORS), NO_ERRORS);
});

Deno.test("latestError follows insertion order, not timestamps", () => {
  let errors = addError(
    NO_ERRORS,
    err("a", "GroundFailure", false, { timestamp: "2026-01-02T00:00:00.000Z" }),
  );
  errors = addError(
    errors,
    err("b", "WeakSignal", false, { timestamp: "2026-01-01T00:00:00.000Z" }),
  );
  deepStrictEqual(latestError(errors)?.uuid, "b");
  errors = clearError(errors, "b");
  deepStrictEqual(latestError(errors)?.uuid, "a");
  strictEqual(latestError(NO_ERRORS), undefined);
});

Deno.test("helpers are immutable: inputs are never modified", () => {
  const e1 = err("a", "GroundFailure", true);
  const one = addError(NO_ERRORS, e1);
  const two = addError(one, err("b", "WeakSignal", false));
  deepStrictEqual(one.active.length, 1);
  const cleared = clearError(two, "a");
  deepStrictEqual(two.active.map((e) => e.uuid), ["a", "b"]);
  deepStrictEqual(cleared.active.map((e) => e.uuid), ["b"]);
  deepStrictEqual(NO_ERRORS.active.length, 0);
  ok(Object.isFrozen(NO_ERRORS));
  deepStrictEqual(JSON.parse(JSON.stringify(two)), two);
});

Deno.test("reportedStatus / isFaulted / currentStatus", () => {
  const nonFault = addError(NO_ERRORS, err("a", "WeakSignal", false, { info: "i" }));
  const fault = addError(nonFault, err("b", "GroundFailure", true));
  deepStrictEqual(isFaulted(NO_ERRORS), false);
  deepStrictEqual(isFaulted(nonFault), false);
  deepStrictEqual(isFaulted(fault), true);
  deepStrictEqual(reportedStatus("Charging", nonFault), "Charging");
  deepStrictEqual(reportedStatus("Charging", fault), "Faulted");
  deepStrictEqual(reportedStatus("Faulted", NO_ERRORS), "Faulted");
  deepStrictEqual(currentStatus("Unavailable", NO_ERRORS), {
    status: "Unavailable",
    errorCode: "NoError",
  });
  deepStrictEqual(currentStatus("Charging", nonFault), {
    status: "Charging",
    errorCode: "WeakSignal",
    info: "i",
  });
  deepStrictEqual(currentStatus("Charging", fault), {
    status: "Faulted",
    errorCode: "GroundFailure",
  });
});

Deno.test("stored Faulted is sticky for events but errors still report over it", () => {
  for (const e of FSM_EVENTS) strictEqual(transition("Faulted", e), undefined);
  deepStrictEqual(
    statusAfterErrorCleared("Faulted", addError(NO_ERRORS, err("a", "WeakSignal", false)), "a"),
    {
      status: "Faulted",
      errorCode: "NoError",
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Truncation (libocpp ErrorInfo constructor: info 50, vendorId 255, vendorErrorCode 50)
// ---------------------------------------------------------------------------------------------
Deno.test("truncation limits", () => {
  deepStrictEqual(ERROR_INFO_MAX_LENGTHS, { info: 50, vendorId: 255, vendorErrorCode: 50 });
  const e = truncateErrorInfo(err("a", "OtherError", false, {
    info: "i".repeat(51),
    vendorId: "v".repeat(300),
    vendorErrorCode: "c".repeat(50),
  }));
  deepStrictEqual(e.info, "i".repeat(50));
  deepStrictEqual(e.vendorId, "v".repeat(255));
  deepStrictEqual(e.vendorErrorCode, "c".repeat(50));
  const short = err("b", "OtherError", false, { info: "short" });
  strictEqual(truncateErrorInfo(short), short);
  ok(!("vendorId" in truncateErrorInfo({ info: "x".repeat(60) })));
});

Deno.test("truncation counts code points and never splits a surrogate pair", () => {
  const s = "⚡".repeat(49) + "🔌🔌";
  const t = truncate(s, 50);
  deepStrictEqual(Array.from(t).length, 50);
  deepStrictEqual(t, "⚡".repeat(49) + "🔌");
  deepStrictEqual(truncate("🔌".repeat(50), 50), "🔌".repeat(50)); // 100 UTF-16 units, 50 code points
  strictEqual(truncate(undefined, 5), undefined);
  deepStrictEqual(truncate("", 0), "");
});

Deno.test("addError and notifications truncate over-long strings", () => {
  const long = err("a", "OtherError", false, {
    info: "x".repeat(80),
    vendorErrorCode: "y".repeat(80),
  });
  const errors = addError(NO_ERRORS, long);
  deepStrictEqual(errors.active[0].info?.length, 50);
  deepStrictEqual(errors.active[0].vendorErrorCode?.length, 50);
  const n = statusAfterErrorRaised("Available", NO_ERRORS, long)!;
  deepStrictEqual(n.info?.length, 50);
  deepStrictEqual(n.vendorErrorCode?.length, 50);
  deepStrictEqual(statusAfterTransition("Charging", NO_ERRORS, "z".repeat(70))?.info?.length, 50);
});
