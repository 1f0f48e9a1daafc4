/**
 * The diagnosticsUpload plugin against real servers made in the test on 127.0.0.1: the strict
 * `ocpp-rpc` CSMS, an HTTPS server (certificate made with openssl) and an FTP/FTPS server
 * (npm `ftp-srv`). GetDiagnostics and GetLog upload a gzipped tar of the requested window;
 * the status sequences, retries (server answering 500 first), permanent failures, cancellation
 * and the firmware taking over are shown, and every log replays to the frames on the wire.
 */
import assert from "node:assert/strict";
import { RpcCallError, RpcCsms } from "../support/rpc_csms.ts";
import { type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { replay } from "../../core/replay.ts";
import { ManualClock } from "../../core/clock.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import type { LogRequest } from "../../core/requests/get_log.ts";
import type { Logger, LogLine } from "../../core/logger.ts";
import type { Plugin } from "../../core/plugin.ts";
import type { RecordedEvent } from "../../events/envelope.ts";
import { diagnosticsUpload, type LogWindow } from "../../plugins/diagnostics_upload.ts";
import { securityLog } from "../../plugins/security_log.ts";
import { FileServer, FtpServer, serverCertificates } from "./transfer_servers.ts";

type Params = Record<string, unknown>;

/** Whole seconds, so that windows are easy to read. */
function startTime(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A temp dir removed at the end of the scope. */
async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "diag-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** A logger that keeps the lines (to know when a retry is armed). */
function recordingLogger(lines: string[]): Logger {
  const keep = (m: string) => void lines.push(m);
  return { debug() {}, info: keep, warn: keep, error: keep };
}

async function startCsms(): Promise<RpcCsms> {
  const csms = await RpcCsms.start();
  // No heartbeat while the tests move the manual clock.
  csms.respond("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 86400,
  }));
  return csms;
}

async function quiet(h: Harness): Promise<void> {
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "every CALL answered",
  );
}

async function boot(h: Harness, csms: RpcCsms): Promise<void> {
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await quiet(h);
}

function calls(csms: RpcCsms, action: string): Params[] {
  return csms.received.filter((c) => c.action === action).map((c) => c.params as Params);
}

async function finish(h: Harness, csms: RpcCsms): Promise<void> {
  await h.cp.stop();
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
}

/** Unpacks a .tar.gz with the system's `tar`: path in the archive → bytes. */
async function untarBytes(archive: Uint8Array, dir: string): Promise<Map<string, Uint8Array>> {
  const out = await Deno.makeTempDir({ dir });
  await Deno.writeFile(`${out}/archive.tar.gz`, archive);
  const result = await new Deno.Command("tar", {
    args: ["-xzf", "archive.tar.gz"],
    cwd: out,
    stderr: "piped",
  }).output();
  assert.ok(result.success, new TextDecoder().decode(result.stderr));
  const files = new Map<string, Uint8Array>();
  const walk = async (sub: string) => {
    for (const entry of Deno.readDirSync(`${out}/${sub}`)) {
      const name = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory) await walk(name);
      else if (name !== "archive.tar.gz") files.set(name, await Deno.readFile(`${out}/${name}`));
    }
  };
  await walk("");
  return files;
}

/** Unpacks a .tar.gz: path in the archive → text. */
async function untar(archive: Uint8Array, dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [name, bytes] of await untarBytes(archive, dir)) {
    files.set(name, new TextDecoder().decode(bytes));
  }
  return files;
}

function jsonLines<T>(text: string | undefined): T[] {
  return (text ?? "").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as T);
}

Deno.test("GetDiagnostics over HTTPS (PUT) with the central system's clock 1 h ahead: the archive holds the window (central system time) of the event log, the library's log lines, the security log and the extraFiles", async () => {
  await using tmp = await tempDir();
  const certs = await serverCertificates(tmp.path);
  await using server = new FileServer(certs);
  await using csms = await RpcCsms.start();
  const t0 = startTime();
  const clock = new ManualClock(t0);
  const OFFSET = 3_600_000; // the central system's clock is one hour ahead of the charge point's
  csms.respond("BootNotification", () => ({
    status: "Accepted",
    currentTime: iso(clock.now() + OFFSET),
    interval: 86400,
  }));
  const securityLogPath = `${tmp.path}/security.log`;
  const windows: LogWindow[] = [];
  const marker: Plugin = {
    name: "marker",
    setup(ctx) {
      ctx.subscribe((event) => {
        const info = (event.data as { sessionId: string }).sessionId;
        ctx.logger.info(`marker ${event.type} ${info}`, { seq: event.seq });
      }, { types: ["SessionStarted", "SessionStopped"] });
    },
  };
  const h = makeChargePoint(csms.url, {
    clock,
    plugins: [
      marker,
      securityLog({ path: securityLogPath }),
      diagnosticsUpload({
        caCerts: [certs.ca],
        securityLogPath,
        extraFiles: (window) => {
          windows.push(window);
          return [
            { name: "firmware/app.log", data: "app started\n" },
            { name: "firmware/meter.bin", data: new Uint8Array([0, 1, 2, 255]) },
          ];
        },
      }),
    ],
  });
  await boot(h, csms);
  assert.equal(h.cp.state.timeOffsetMs, OFFSET);
  await clock.advance(60_000);
  h.cp.onSessionStarted(1, "s-1", "EVConnected"); // t0 + 60 s (central system: + 1 h)
  h.cp.onSecurityEvent("MaintenanceLoginAccepted", "in the window");
  await quiet(h);
  await clock.advance(60_000);
  h.cp.onSessionStopped(1, "s-1"); // t0 + 120 s
  h.cp.onSecurityEvent("MaintenanceLoginFailed", "after the window");
  await quiet(h);
  await clock.advance(60_000);

  // The window in central system time: t0 + 1 h + 30 s .. t0 + 1 h + 90 s.
  const from = iso(t0 + OFFSET + 30_000);
  const to = iso(t0 + OFFSET + 90_000);
  const answer = await csms.call("CP-1", "GetDiagnostics", {
    location: `${server.origin}/upload/`,
    startTime: from,
    stopTime: to,
  }) as Params;
  const fileName = String(answer.fileName);
  // Named after the central system's time of the request (t0 + 1 h + 180 s).
  const stamp = iso(t0 + OFFSET + 180_000).replace(/[-:]/g, "").replace(/\.\d+/, "");
  assert.equal(fileName, `diagnostics-CP-1-${stamp}.tar.gz`);
  await csms.waitFor("DiagnosticsStatusNotification", 2);
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").map((p) => p.status), [
    "Uploading",
    "Uploaded",
  ]);
  assert.deepEqual(server.requests.map((r) => [r.method, r.path, r.status]), [
    ["PUT", `/upload/${fileName}`, 201],
  ]);
  const archive = server.uploads.get(`/upload/${fileName}`) as Uint8Array;
  const files = await untar(archive, tmp.path);
  assert.deepEqual([...files.keys()].sort(), [
    "events.jsonl",
    "firmware/app.log",
    "firmware/meter.bin",
    "library-log.jsonl",
    "manifest.json",
    "security.jsonl",
  ]);
  // The event log window: exactly the stored events whose time, shifted by the offset, is in it.
  const events = jsonLines<RecordedEvent>(files.get("events.jsonl"));
  const local = (e: { at: string }) => Date.parse(e.at);
  const stored = [...h.store.read(1)].filter((e) =>
    local(e) >= t0 + 30_000 && local(e) <= t0 + 90_000
  );
  assert.deepEqual(events.map((e) => e.seq), stored.map((e) => e.seq));
  const types = events.map((e) => e.type);
  assert.ok(types.includes("SessionStarted"));
  assert.ok(!types.includes("SessionStopped") && !types.includes("ChargePointStarted"));
  // The library's log lines of the window (central system time): the marker of s-1's start,
  // not of its stop, and nothing outside.
  const lines = jsonLines<LogLine>(files.get("library-log.jsonl"));
  assert.ok(lines.length > 0);
  for (const l of lines) assert.ok(l.at >= from && l.at <= to, `${l.message} at ${l.at}`);
  const markers = lines.filter((l) => l.message.startsWith("marker"));
  assert.deepEqual(markers.map((l) => [l.at, l.level, l.message]), [
    [iso(t0 + OFFSET + 60_000), "info", "marker SessionStarted s-1"],
  ]);
  // Security log entries are stamped on the central system's clock too.
  const security = jsonLines<{ type: string; timestamp: string }>(files.get("security.jsonl"));
  assert.deepEqual(security.map((e) => [e.type, e.timestamp]), [
    ["MaintenanceLoginAccepted", iso(t0 + OFFSET + 60_000)],
  ]);
  // extraFiles got the window and its files are in the archive as given.
  assert.deepEqual(windows, [{ logType: "Diagnostics", from, to }]);
  assert.equal(files.get("firmware/app.log"), "app started\n");
  assert.deepEqual(
    (await untarBytes(archive, tmp.path)).get("firmware/meter.bin"),
    new Uint8Array([0, 1, 2, 255]),
  );
  const manifest = JSON.parse(files.get("manifest.json") ?? "{}");
  assert.deepEqual(manifest, {
    chargePointId: "CP-1",
    logType: "Diagnostics",
    from,
    to,
    createdAt: iso(t0 + OFFSET + 180_000),
    timeOffsetMs: OFFSET,
    events: events.length,
    libraryLogLines: lines.length,
    securityLogEntries: 1,
    files: [
      "events.jsonl",
      "library-log.jsonl",
      "security.jsonl",
      "firmware/app.log",
      "firmware/meter.bin",
    ],
  });

  // The upload is over: a triggered DiagnosticsStatusNotification says Idle.
  await quiet(h);
  assert.deepEqual(
    await csms.call("CP-1", "TriggerMessage", {
      requestedMessage: "DiagnosticsStatusNotification",
    }),
    { status: "Accepted" },
  );
  await csms.waitFor("DiagnosticsStatusNotification", 3);
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").at(-1), { status: "Idle" });
  await finish(h, csms);
});

Deno.test("GetDiagnostics retries: HTTP 500 twice, then uploaded (multipart POST), retryInterval apart on the clock", async () => {
  await using tmp = await tempDir();
  const certs = await serverCertificates(tmp.path);
  await using server = new FileServer(certs);
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const lines: string[] = [];
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [
      diagnosticsUpload({
        caCerts: [certs.ca],
        httpMethod: "POST",
        securityLogPath: `${tmp.path}/none.log`,
      }),
    ],
  });
  await boot(h, csms);
  server.failures = [500, 500];
  const { fileName } = await csms.call("CP-1", "GetDiagnostics", {
    location: `${server.origin}/diag`,
    retries: 2,
    retryInterval: 30,
  }) as { fileName: string };
  const failed = (n: number) =>
    lines.filter((l) => l.includes("failed (TransferError")).length >= n;
  await until(() => failed(1), "first attempt failed");
  await quiet(h);
  // While it waits, the upload is still going on.
  await csms.call("CP-1", "TriggerMessage", { requestedMessage: "DiagnosticsStatusNotification" });
  await csms.waitFor("DiagnosticsStatusNotification", 2);
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").at(-1), { status: "Uploading" });
  await quiet(h);
  await clock.advance(29_000);
  assert.equal(server.requests.length, 1, "no retry before retryInterval");
  await clock.advance(1_000);
  await until(() => failed(2), "second attempt failed");
  await quiet(h);
  await clock.advance(30_000);
  await csms.waitFor("DiagnosticsStatusNotification", 5);
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").map((p) => p.status), [
    "Uploading",
    "Uploading", // triggered
    "Uploading",
    "Uploading",
    "Uploaded",
  ]);
  assert.deepEqual(server.requests.map((r) => [r.method, r.path, r.status]), [
    ["POST", "/diag", 500],
    ["POST", "/diag", 500],
    ["POST", "/diag", 201],
  ]);
  assert.ok(server.uploads.has(`/diag/${fileName}`));
  await finish(h, csms);
});

Deno.test("GetDiagnostics gives up after its retries: UploadFailed", async () => {
  await using server = new FileServer();
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const lines: string[] = [];
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [diagnosticsUpload({ securityLogPath: "/nonexistent/security.log" })],
  });
  await boot(h, csms);
  server.failures = [503, 503];
  await csms.call("CP-1", "GetDiagnostics", {
    location: `${server.origin}/diag/`,
    retries: 1,
    retryInterval: 10,
  });
  await until(() => lines.some((l) => l.includes("attempt 1 failed")), "first attempt failed");
  await quiet(h);
  await clock.advance(10_000);
  await csms.waitFor("DiagnosticsStatusNotification", 3);
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").map((p) => p.status), [
    "Uploading",
    "Uploading",
    "UploadFailed",
  ]);
  assert.equal(server.requests.length, 2);
  await finish(h, csms);
});

Deno.test("GetLog over FTP and FTPS: the SecurityLog window, requestId in every LogStatusNotification; a wrong password is PermissionDenied at once", async () => {
  await using tmp = await tempDir();
  const certs = await serverCertificates(tmp.path);
  const root = `${tmp.path}/ftp`;
  await Deno.mkdir(`${root}/logs`, { recursive: true });
  await using ftp = await FtpServer.start(root, { user: "cp", password: "secret" }, certs);
  await using csms = await startCsms();
  const t0 = startTime();
  const clock = new ManualClock(t0);
  const lines: string[] = [];
  const securityLogPath = `${tmp.path}/security.log`;
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [
      securityLog({ path: securityLogPath }),
      diagnosticsUpload({ caCerts: [certs.ca], securityLogPath }),
    ],
  });
  await boot(h, csms);
  for (const n of [1, 2, 3]) {
    await clock.advance(60_000);
    h.cp.onSecurityEvent("MaintenanceLoginAccepted", `login ${n}`); // t0 + 60, 120, 180 s
  }
  await quiet(h);

  const answer = await csms.call("CP-1", "GetLog", {
    log: {
      remoteLocation: ftp.url("ftp", "cp", "secret", "/logs/"),
      oldestTimestamp: iso(t0 + 90_000),
      latestTimestamp: iso(t0 + 150_000),
    },
    logType: "SecurityLog",
    requestId: 7,
  }) as Params;
  assert.equal(answer.status, "Accepted");
  const filename = String(answer.filename);
  assert.match(filename, /^security-log-CP-1-7-\d{8}T\d{6}Z\.tar\.gz$/);
  await csms.waitFor("LogStatusNotification", 2);
  assert.deepEqual(calls(csms, "LogStatusNotification"), [
    { status: "Uploading", requestId: 7 },
    { status: "Uploaded", requestId: 7 },
  ]);
  const files = await untar(await Deno.readFile(`${root}/logs/${filename}`), tmp.path);
  assert.deepEqual([...files.keys()].sort(), ["manifest.json", "security.jsonl"]);
  const entries = jsonLines<{ type: string; techInfo: string }>(files.get("security.jsonl"));
  assert.deepEqual(entries.map((e) => e.techInfo), ["login 2"]);

  // FTPS (explicit TLS), the DiagnosticsLog.
  await quiet(h);
  const ftps = await csms.call("CP-1", "GetLog", {
    log: { remoteLocation: ftp.url("ftps", "cp", "secret", "/logs") },
    logType: "DiagnosticsLog",
    requestId: 8,
  }) as Params;
  assert.equal(ftps.status, "Accepted");
  await csms.waitFor("LogStatusNotification", 4);
  assert.deepEqual(calls(csms, "LogStatusNotification").slice(2), [
    { status: "Uploading", requestId: 8 },
    { status: "Uploaded", requestId: 8 },
  ]);
  const diagnostics = await untar(await Deno.readFile(`${root}/logs/${ftps.filename}`), tmp.path);
  assert.ok(jsonLines(diagnostics.get("events.jsonl")).length > 0);
  assert.deepEqual(
    jsonLines<{ type: string }>(diagnostics.get("security.jsonl")).map((e) => e.type),
    ["StartupOfTheDevice", ...Array(3).fill("MaintenanceLoginAccepted")],
  );

  // A wrong password: the server refuses (530), which retrying cannot change.
  await quiet(h);
  await csms.call("CP-1", "GetLog", {
    log: { remoteLocation: ftp.url("ftp", "cp", "wrong", "/logs/") },
    logType: "SecurityLog",
    requestId: 9,
    retries: 3,
    retryInterval: 5,
  });
  await csms.waitFor("LogStatusNotification", 6);
  assert.deepEqual(calls(csms, "LogStatusNotification").slice(4), [
    { status: "Uploading", requestId: 9 },
    { status: "PermissionDenied", requestId: 9 },
  ]);
  assert.equal(lines.filter((l) => l.startsWith("GetLog 9: attempt")).length, 1);

  // Nothing is going on: a triggered LogStatusNotification is Idle, without requestId.
  await quiet(h);
  assert.deepEqual(
    await csms.call("CP-1", "ExtendedTriggerMessage", {
      requestedMessage: "LogStatusNotification",
    }),
    { status: "Accepted" },
  );
  await csms.waitFor("LogStatusNotification", 7);
  assert.deepEqual(calls(csms, "LogStatusNotification").at(-1), { status: "Idle" });
  assert.deepEqual(ftp.stored.length, 2);
  await finish(h, csms);
});

Deno.test("GetLog while an upload waits for a retry: the new request is AcceptedCanceled and the old one stops", async () => {
  await using server = new FileServer();
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const lines: string[] = [];
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [diagnosticsUpload({ securityLogPath: "/nonexistent/security.log" })],
  });
  await boot(h, csms);
  server.failures = [500];
  const first = await csms.call("CP-1", "GetLog", {
    log: { remoteLocation: `${server.origin}/logs/` },
    logType: "DiagnosticsLog",
    requestId: 1,
    retries: 1,
    retryInterval: 60,
  }) as Params;
  assert.equal(first.status, "Accepted");
  await until(() => lines.some((l) => l.includes("GetLog 1: attempt 1 failed")), "failure");
  await quiet(h);
  await csms.call("CP-1", "ExtendedTriggerMessage", { requestedMessage: "LogStatusNotification" });
  await csms.waitFor("LogStatusNotification", 2);
  assert.deepEqual(calls(csms, "LogStatusNotification").at(-1), {
    status: "Uploading",
    requestId: 1,
  });
  await quiet(h);
  const second = await csms.call("CP-1", "GetLog", {
    log: { remoteLocation: `${server.origin}/logs/` },
    logType: "SecurityLog",
    requestId: 2,
  }) as Params;
  assert.equal(second.status, "AcceptedCanceled");
  await csms.waitFor("LogStatusNotification", 4);
  await quiet(h);
  await clock.advance(60_000); // the cancelled retry would have been due
  assert.deepEqual(calls(csms, "LogStatusNotification"), [
    { status: "Uploading", requestId: 1 },
    { status: "Uploading", requestId: 1 },
    { status: "Uploading", requestId: 2 },
    { status: "Uploaded", requestId: 2 },
  ]);
  assert.deepEqual(server.requests.map((r) => r.status), [500, 201]);
  await finish(h, csms);
});

Deno.test("the firmware takes over uploadDiagnostics; the plugin still provides uploadLogs; an unsupported location is refused", async () => {
  await using server = new FileServer();
  await using csms = await startCsms();
  const h = makeChargePoint(csms.url, {
    clock: new ManualClock(startTime()),
    callbacks: { uploadDiagnostics: () => ({ fileName: "firmware-diagnostics.zip" }) },
    plugins: [diagnosticsUpload({ securityLogPath: "/nonexistent/security.log" })],
  });
  await boot(h, csms);
  const started = [...h.store.read(1)].find((e) => e.type === "ChargePointStarted");
  const listed = (started?.data as { callbacks: string[] }).callbacks;
  assert.deepEqual(listed.filter((c) => c.startsWith("upload")), [
    "uploadDiagnostics",
    "uploadLogs",
  ]);
  assert.deepEqual(
    await csms.call("CP-1", "GetDiagnostics", { location: `${server.origin}/up/` }),
    { fileName: "firmware-diagnostics.zip" },
  );
  assert.deepEqual(
    await csms.call("CP-1", "GetLog", {
      log: { remoteLocation: "sftp://127.0.0.1/logs/" },
      logType: "SecurityLog",
      requestId: 3,
    }),
    { status: "Rejected" },
  );
  await quiet(h);
  assert.deepEqual(server.requests, []);
  assert.deepEqual(calls(csms, "LogStatusNotification"), []);
  await finish(h, csms);
});

Deno.test("without an upload callback: GetDiagnostics is NotSupported, GetLog Rejected", async () => {
  await using csms = await startCsms();
  const h = makeChargePoint(csms.url, { clock: new ManualClock(startTime()) });
  await boot(h, csms);
  await assert.rejects(
    csms.call("CP-1", "GetDiagnostics", { location: "ftp://127.0.0.1/up/" }),
    (error: unknown) => error instanceof RpcCallError && error.code === "NotSupported",
  );
  assert.deepEqual(
    await csms.call("CP-1", "GetLog", {
      log: { remoteLocation: "ftp://127.0.0.1/up/" },
      logType: "DiagnosticsLog",
      requestId: 1,
    }),
    { status: "Rejected" },
  );
  await finish(h, csms);
});

Deno.test("GetLog: HTTP 400 is BadMessage and HTTP 405 NotSupportedOperation, neither retried", async () => {
  await using server = new FileServer();
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const h = makeChargePoint(csms.url, {
    clock,
    plugins: [diagnosticsUpload({ securityLogPath: "/nonexistent/security.log" })],
  });
  await boot(h, csms);
  for (const [requestId, failure] of [[11, 400], [12, 405]]) {
    server.failures = [failure];
    await csms.call("CP-1", "GetLog", {
      log: { remoteLocation: `${server.origin}/logs/` },
      logType: "SecurityLog",
      requestId,
      retries: 3,
      retryInterval: 10,
    });
    await csms.waitFor("LogStatusNotification", requestId === 11 ? 2 : 4);
    await quiet(h);
    await clock.advance(60_000); // no retry comes
  }
  assert.deepEqual(calls(csms, "LogStatusNotification"), [
    { status: "Uploading", requestId: 11 },
    { status: "BadMessage", requestId: 11 },
    { status: "Uploading", requestId: 12 },
    { status: "NotSupportedOperation", requestId: 12 },
  ]);
  assert.deepEqual(server.requests.map((r) => r.status), [400, 405]);
  await finish(h, csms);
});

Deno.test("GetDiagnostics while a GetLog upload waits for a retry: the log upload is reported UploadFailure, the diagnostics are uploaded", async () => {
  await using server = new FileServer();
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const lines: string[] = [];
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [diagnosticsUpload({ securityLogPath: "/nonexistent/security.log" })],
  });
  await boot(h, csms);
  server.failures = [500];
  await csms.call("CP-1", "GetLog", {
    log: { remoteLocation: `${server.origin}/logs/` },
    logType: "DiagnosticsLog",
    requestId: 4,
    retries: 1,
    retryInterval: 60,
  });
  await until(() => lines.some((l) => l.includes("GetLog 4: attempt 1 failed")), "failure");
  await quiet(h);
  await csms.call("CP-1", "GetDiagnostics", { location: `${server.origin}/diag/` });
  await csms.waitFor("DiagnosticsStatusNotification", 2);
  await csms.waitFor("LogStatusNotification", 2);
  await quiet(h);
  await clock.advance(60_000); // the cancelled retry would have been due
  assert.deepEqual(calls(csms, "LogStatusNotification"), [
    { status: "Uploading", requestId: 4 },
    { status: "UploadFailure", requestId: 4 },
  ]);
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").map((p) => p.status), [
    "Uploading",
    "Uploaded",
  ]);
  await csms.call("CP-1", "ExtendedTriggerMessage", { requestedMessage: "LogStatusNotification" });
  await csms.waitFor("LogStatusNotification", 3);
  assert.deepEqual(calls(csms, "LogStatusNotification").at(-1), { status: "Idle" });
  assert.deepEqual(server.requests.map((r) => r.status), [500, 201]);
  await finish(h, csms);
});

Deno.test("GetDiagnostics over implicit FTPS (TLS from the first byte, port-990 style)", async () => {
  await using tmp = await tempDir();
  const certs = await serverCertificates(tmp.path);
  const root = `${tmp.path}/ftp`;
  await Deno.mkdir(`${root}/diag`, { recursive: true });
  await using ftp = await FtpServer.start(root, { user: "cp", password: "pw" }, {
    ...certs,
    implicit: true,
  });
  await using csms = await startCsms();
  const h = makeChargePoint(csms.url, {
    clock: new ManualClock(startTime()),
    plugins: [
      diagnosticsUpload({
        caCerts: [certs.ca],
        implicitFtpsPorts: [ftp.port], // the test server cannot listen on 990
        securityLogPath: "/nonexistent/security.log",
      }),
    ],
  });
  await boot(h, csms);
  const { fileName } = await csms.call("CP-1", "GetDiagnostics", {
    location: ftp.url("ftps", "cp", "pw", "/diag/"),
  }) as { fileName: string };
  await csms.waitFor("DiagnosticsStatusNotification", 2);
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").map((p) => p.status), [
    "Uploading",
    "Uploaded",
  ]);
  assert.deepEqual(ftp.stored.map((path) => path.split("/").at(-1)), [fileName]);
  const files = await untar(await Deno.readFile(`${root}/diag/${fileName}`), tmp.path);
  assert.ok(files.has("events.jsonl"));
  await quiet(h);
  await finish(h, csms);
});

Deno.test("the firmware takes over uploadLogs; the plugin still provides uploadDiagnostics", async () => {
  await using server = new FileServer();
  await using csms = await startCsms();
  const asked: LogRequest[] = [];
  const h = makeChargePoint(csms.url, {
    clock: new ManualClock(startTime()),
    callbacks: {
      uploadLogs: (request) => (asked.push(request), { status: "Accepted", filename: "fw.zip" }),
    },
    plugins: [diagnosticsUpload({ securityLogPath: "/nonexistent/security.log" })],
  });
  await boot(h, csms);
  const request = {
    log: { remoteLocation: `${server.origin}/logs/` },
    logType: "SecurityLog",
    requestId: 21,
  };
  assert.deepEqual(await csms.call("CP-1", "GetLog", request), {
    status: "Accepted",
    filename: "fw.zip",
  });
  assert.deepEqual(asked, [request]);
  const { fileName } = await csms.call("CP-1", "GetDiagnostics", {
    location: `${server.origin}/diag/`,
  }) as { fileName: string };
  await csms.waitFor("DiagnosticsStatusNotification", 2);
  await quiet(h);
  // Only the plugin's upload reached the server; the firmware reports its own.
  assert.deepEqual(server.requests.map((r) => r.path), [`/diag/${fileName}`]);
  assert.deepEqual(calls(csms, "LogStatusNotification"), []);
  await finish(h, csms);
});

Deno.test("a restart during the retry wait of uploads: the statuses start Idle; the plugin attempts them again once registered, with the retries left and the same file name", async () => {
  await using tmp = await tempDir();
  await using server = new FileServer();
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const storePath = `${tmp.path}/events.sqlite`;
  const lines: string[] = [];
  const sent: string[] = [];
  const run = async (
    plugins: Plugin[],
    body: (h: Harness) => Promise<void>,
  ): Promise<void> => {
    const store = new SqliteEventStore(storePath);
    const h = makeChargePoint(csms.url, { clock, store, plugins, logger: recordingLogger(lines) });
    try {
      const booted = calls(csms, "StatusNotification").length;
      await h.cp.start();
      await csms.waitFor("StatusNotification", booted + 3);
      await quiet(h);
      await body(h);
      await quiet(h);
    } finally {
      await h.cp.stop();
      sent.push(...h.sent);
      store.close();
    }
  };
  const plugin = () => diagnosticsUpload({ securityLogPath: "/nonexistent/security.log" });
  const failed = (what: string) => lines.filter((l) => l.includes(what)).length;

  // 1. GetLog 5 (retries 1): the first attempt fails; the process ends during the retry wait.
  let filename = "";
  await run([plugin()], async () => {
    server.failures = [500];
    const answer = await csms.call("CP-1", "GetLog", {
      log: { remoteLocation: `${server.origin}/logs/` },
      logType: "SecurityLog",
      requestId: 5,
      retries: 1,
      retryInterval: 600,
    }) as Params;
    filename = String(answer.filename);
    await until(() => failed("GetLog 5: attempt 1 failed") === 1, "first attempt failed");
  });

  // 2. A process without the plugin: nothing is going on, the triggered status says so.
  await run([], async () => {
    await csms.call("CP-1", "ExtendedTriggerMessage", {
      requestedMessage: "LogStatusNotification",
    });
    await csms.waitFor("LogStatusNotification", 2);
    assert.deepEqual(calls(csms, "LogStatusNotification").at(-1), { status: "Idle" });
  });

  // 3. With the plugin: the second (last) attempt is made at once, it fails too: UploadFailure.
  server.failures = [500];
  await run([plugin()], async () => {
    await csms.waitFor("LogStatusNotification", 4);
  });
  assert.deepEqual(calls(csms, "LogStatusNotification"), [
    { status: "Uploading", requestId: 5 },
    { status: "Idle" }, // triggered
    { status: "Uploading", requestId: 5 },
    { status: "UploadFailure", requestId: 5 },
  ]);
  assert.deepEqual(server.requests.map((r) => [r.path, r.status]), [
    [`/logs/${filename}`, 500],
    [`/logs/${filename}`, 500],
  ]);

  // 4. GetDiagnostics (retries 2): fails, restart, attempted again at once and uploaded under
  // the file name it was announced with.
  let fileName = "";
  await run([plugin()], async () => {
    server.failures = [503];
    const answer = await csms.call("CP-1", "GetDiagnostics", {
      location: `${server.origin}/diag/`,
      retries: 2,
      retryInterval: 600,
    }) as Params;
    fileName = String(answer.fileName);
    await until(() => failed("GetDiagnostics: attempt 1 failed") === 1, "first attempt failed");
    // A triggered status during the wait: Uploading.
    await csms.call("CP-1", "TriggerMessage", {
      requestedMessage: "DiagnosticsStatusNotification",
    });
    await csms.waitFor("DiagnosticsStatusNotification", 2);
  });
  await clock.advance(3_600_000); // the charger was off for an hour
  await run([plugin()], async () => {
    await csms.waitFor("DiagnosticsStatusNotification", 4);
  });
  assert.deepEqual(calls(csms, "DiagnosticsStatusNotification").map((p) => p.status), [
    "Uploading",
    "Uploading", // triggered
    "Uploading", // after the restart
    "Uploaded",
  ]);
  assert.deepEqual(server.requests.slice(2).map((r) => [r.path, r.status]), [
    [`/diag/${fileName}`, 503],
    [`/diag/${fileName}`, 201],
  ]);
  assert.ok(server.uploads.has(`/diag/${fileName}`));
  assertAllValid(csms.frames);
  const store = new SqliteEventStore(storePath);
  try {
    assert.deepEqual(replay(store).frames, sent);
  } finally {
    store.close();
  }
});
