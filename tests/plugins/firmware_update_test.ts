/**
 * The firmwareUpdate plugin against real servers made in the test on 127.0.0.1: the strict
 * `ocpp-rpc` CSMS, an HTTP/HTTPS server (certificate made with openssl) and an FTP/FTPS server
 * (npm `ftp-srv`). The manufacturer root, the firmware signing certificates and the signatures are
 * made with openssl in the test. Every status sequence is checked, and every log replays to the
 * frames on the wire.
 */
import assert from "node:assert/strict";
import { RpcCallError, RpcCsms } from "../support/rpc_csms.ts";
import { type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { replay } from "../../core/replay.ts";
import { ManualClock } from "../../core/clock.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import type { Plugin } from "../../core/plugin.ts";
import type { FirmwareUpdateRequest } from "../../core/requests/update_firmware.ts";
import type { Logger } from "../../core/logger.ts";
import {
  type FirmwareInstallRequest,
  firmwareUpdate,
  type InstallOutcome,
} from "../../plugins/firmware_update.ts";
import { readSecurityLog, securityLog } from "../../plugins/security_log.ts";
import { FileServer, FtpServer, openssl, serverCertificates } from "./transfer_servers.ts";

type Params = Record<string, unknown>;

function startTime(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "firmware-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

function recordingLogger(lines: string[]): Logger {
  const keep = (m: string) => void lines.push(m);
  return { debug() {}, info: keep, warn: keep, error: keep };
}

/** The manufacturer's PKI and a firmware image, made with openssl. */
interface Firmware {
  /** The manufacturer root (RSA). */
  readonly root: string;
  /** A signing certificate (EC P-256) issued by the root. */
  readonly ecSigner: string;
  /** A signing certificate (RSA) issued by the root. */
  readonly rsaSigner: string;
  /** A signing certificate issued by another root. */
  readonly foreignSigner: string;
  /** The image. */
  readonly image: Uint8Array;
  /** ECDSA (DER) signature of the image by `ecSigner`, Base64. */
  readonly ecSignature: string;
  /** RSA-PSS signature of the image by `rsaSigner`, Base64. */
  readonly pssSignature: string;
  /** ECDSA signature of other bytes by `ecSigner`, Base64. */
  readonly wrongSignature: string;
  /** ECDSA signature of the image by `foreignSigner`, Base64. */
  readonly foreignSignature: string;
}

async function makeFirmware(dir: string): Promise<Firmware> {
  const root = async (name: string) =>
    await openssl(
      dir,
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`],
      ...["-out", `${name}.pem`, "-days", "3", "-subj", `/CN=${name}`],
      ...["-addext", "basicConstraints=critical,CA:TRUE"],
      ...["-addext", "keyUsage=critical,keyCertSign"],
    );
  const signer = async (name: string, issuer: string, key: string[]) => {
    await openssl(
      dir,
      ...["req", "-newkey", ...key, "-nodes", "-keyout", `${name}.key`],
      ...["-out", `${name}.csr`, "-subj", `/CN=${name}`],
    );
    await openssl(
      dir,
      ...["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.pem`, "-CAkey", `${issuer}.key`],
      ...["-CAcreateserial", "-out", `${name}.pem`, "-days", "2", "-extfile", "signer.ext"],
    );
  };
  const sign = async (key: string, file: string, out: string, pss = false) => {
    await openssl(
      dir,
      ...["dgst", "-sha256", ...(pss ? ["-sigopt", "rsa_padding_mode:pss"] : [])],
      ...["-sign", `${key}.key`, "-out", out, file],
    );
    return btoa(String.fromCharCode(...await Deno.readFile(`${dir}/${out}`)));
  };
  await Deno.writeTextFile(
    `${dir}/signer.ext`,
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n",
  );
  await root("Acme-Manufacturer-Root");
  await root("Other-Root");
  const ec = ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  await signer("Acme-EC-Signer", "Acme-Manufacturer-Root", ec);
  await signer("Acme-RSA-Signer", "Acme-Manufacturer-Root", ["rsa:2048"]);
  await signer("Foreign-Signer", "Other-Root", ec);
  const image = new Uint8Array(64 * 1024).map((_, i) => (i * 31 + 7) % 251);
  await Deno.writeFile(`${dir}/image.bin`, image);
  await Deno.writeFile(`${dir}/other.bin`, image.map((b) => b ^ 1));
  const read = (name: string) => Deno.readTextFile(`${dir}/${name}.pem`);
  return {
    root: await read("Acme-Manufacturer-Root"),
    ecSigner: await read("Acme-EC-Signer"),
    rsaSigner: await read("Acme-RSA-Signer"),
    foreignSigner: await read("Foreign-Signer"),
    image,
    ecSignature: await sign("Acme-EC-Signer", "image.bin", "ec.sig"),
    pssSignature: await sign("Acme-RSA-Signer", "image.bin", "pss.sig", true),
    wrongSignature: await sign("Acme-EC-Signer", "other.bin", "wrong.sig"),
    foreignSignature: await sign("Foreign-Signer", "image.bin", "foreign.sig"),
  };
}

/** A firmware that records what it is asked to install and answers `outcome`. */
function installer(outcome: InstallOutcome | undefined) {
  const installs: { image: Uint8Array; request: FirmwareInstallRequest }[] = [];
  return {
    installs,
    install(image: Uint8Array, request: FirmwareInstallRequest) {
      installs.push({ image, request });
      return outcome;
    },
  };
}

/** A CSMS whose BootNotification answer puts its clock `offsetMs` ahead of the manual clock. */
async function startCsms(clock?: ManualClock, offsetMs = 0): Promise<RpcCsms> {
  const csms = await RpcCsms.start();
  csms.respond("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date((clock?.now() ?? Date.now()) + offsetMs).toISOString(),
    interval: 86400,
  }));
  return csms;
}

/**
 * Asks for the firmware status: TriggerMessage (FirmwareStatusNotification) or
 * ExtendedTriggerMessage (SignedFirmwareStatusNotification); resolves with what was sent.
 */
async function trigger(
  h: Harness,
  csms: RpcCsms,
  kind: "TriggerMessage" | "ExtendedTriggerMessage",
): Promise<Params | undefined> {
  const action = kind === "TriggerMessage"
    ? "FirmwareStatusNotification"
    : "SignedFirmwareStatusNotification";
  const before = calls(csms, action).length;
  assert.deepEqual(
    await csms.call("CP-1", kind, { requestedMessage: "FirmwareStatusNotification" }),
    { status: "Accepted" },
  );
  await csms.waitFor(action, before + 1);
  await quiet(h);
  return calls(csms, action).at(-1);
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

function statuses(csms: RpcCsms, action: string): unknown[] {
  return calls(csms, action).map((p) => p.status);
}

function securityEvents(h: Harness, type: string): number {
  return [...h.store.read(1)].filter((e) =>
    e.type === "SecurityEventOccurred" && (e.data as { eventType: string }).eventType === type
  ).length;
}

async function finish(h: Harness, csms: RpcCsms): Promise<void> {
  await h.cp.stop();
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
}

Deno.test("UpdateFirmware over HTTP with the central system's clock 1 h ahead: waits for retrieveDate (central system time), retries after a 500, holds the connectors while installing; triggered statuses mid-update; FirmwareUpdated", async () => {
  await using server = new FileServer();
  const t0 = startTime();
  const clock = new ManualClock(t0);
  const OFFSET = 3_600_000;
  await using csms = await startCsms(clock, OFFSET);
  const lines: string[] = [];
  const disabled: number[] = [];
  const enabled: number[] = [];
  const firmware = installer(undefined);
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    callbacks: {
      disableEvse: (c) => (disabled.push(c), true),
      enableEvse: (c) => (enabled.push(c), true),
    },
    plugins: [firmwareUpdate({ install: firmware.install })],
  });
  const image = new TextEncoder().encode("firmware 1.2.0");
  server.files.set("/fw/1.2.0.bin", image);
  server.failures = [500];
  await boot(h, csms);
  assert.equal(h.cp.state.timeOffsetMs, OFFSET);
  assert.deepEqual(
    await csms.call("CP-1", "UpdateFirmware", {
      location: `${server.origin}/fw/1.2.0.bin`,
      retrieveDate: iso(t0 + OFFSET + 60_000), // one minute from now, central system time
      retries: 1,
      retryInterval: 30,
    }),
    {},
  );
  await quiet(h);
  // Waiting for retrieveDate: FirmwareStatusNotification (1.6) has no status for it (Idle), the
  // SignedFirmwareStatusNotification of ExtendedTriggerMessage has: DownloadScheduled (a plain
  // update has no requestId).
  assert.deepEqual(await trigger(h, csms, "TriggerMessage"), { status: "Idle" });
  assert.deepEqual(await trigger(h, csms, "ExtendedTriggerMessage"), {
    status: "DownloadScheduled",
  });
  await clock.advance(59_000);
  assert.equal(server.requests.length, 0, "not before retrieveDate");
  await clock.advance(1_000);
  await until(() => lines.some((l) => l.includes("download attempt 1 failed")), "a failure");
  await quiet(h);
  // Waiting for the retry: the download goes on.
  assert.deepEqual(await trigger(h, csms, "TriggerMessage"), { status: "Downloading" });
  assert.deepEqual(await trigger(h, csms, "ExtendedTriggerMessage"), {
    status: "DownloadPaused",
  });
  await clock.advance(30_000);
  await csms.waitFor("FirmwareStatusNotification", 7);
  assert.deepEqual(statuses(csms, "FirmwareStatusNotification"), [
    "Idle", // triggered
    "Downloading",
    "Downloading", // triggered
    "Downloading",
    "Downloaded",
    "Installing",
    "Installed",
  ], "the 1.6 statuses only");
  assert.deepEqual(firmware.installs.map((i) => [i.image, i.request]), [[image, {
    requestId: -1,
    location: `${server.origin}/fw/1.2.0.bin`,
    signed: false,
  }]]);
  assert.deepEqual(server.requests.map((r) => [r.method, r.status]), [["GET", 500], [
    "GET",
    200,
  ]]);
  // The connectors were held during the installation (nothing was charging) and given back.
  await until(() => enabled.length === 2, "connectors enabled again");
  await csms.waitFor("StatusNotification", 7);
  assert.deepEqual([disabled, enabled], [[1, 2], [1, 2]]);
  const connectorStatuses = calls(csms, "StatusNotification").slice(3)
    .map((p) => `${p.connectorId}:${p.status}`);
  assert.deepEqual(connectorStatuses, [
    "1:Unavailable",
    "2:Unavailable",
    "1:Available",
    "2:Available",
  ]);
  await csms.waitFor("SecurityEventNotification", 2);
  assert.deepEqual(calls(csms, "SecurityEventNotification").map((p) => p.type), [
    "StartupOfTheDevice",
    "FirmwareUpdated",
  ]);
  // The update is over: a triggered FirmwareStatusNotification is Idle.
  await quiet(h);
  assert.deepEqual(await trigger(h, csms, "TriggerMessage"), { status: "Idle" });
  await finish(h, csms);
});

Deno.test("SignedUpdateFirmware over HTTPS (ECDSA): free connectors become Unavailable while the installation waits for the transaction, a new start there is refused; InstallRebooting; after the reboot (restart on the same SQLite store) Installed is reported and the connectors are restored", async () => {
  await using tmp = await tempDir();
  const fw = await makeFirmware(tmp.path);
  const certs = await serverCertificates(tmp.path);
  await using server = new FileServer(certs);
  const t0 = startTime();
  const clock = new ManualClock(t0);
  await using csms = await startCsms(clock);
  const storePath = `${tmp.path}/events.sqlite`;
  const disabled: number[] = [];
  const enabled: number[] = [];
  const confirmed: FirmwareInstallRequest[] = [];
  const firmware = installer("InstallRebooting");
  const chargePoint = (store: SqliteEventStore) =>
    makeChargePoint(csms.url, {
      clock,
      store,
      callbacks: {
        disableEvse: (c) => (disabled.push(c), true),
        enableEvse: (c) => (enabled.push(c), true),
      },
      plugins: [
        firmwareUpdate({
          install: firmware.install,
          confirmInstallation: (request) => (confirmed.push(request), "Installed"),
          manufacturerRoots: () => Promise.resolve([fw.root]), // e.g. a certificate store
          caCerts: [certs.ca],
        }),
      ],
    });
  const connectorStatuses = (from: number) =>
    calls(csms, "StatusNotification").slice(from).map((p) => `${p.connectorId}:${p.status}`);
  server.files.set("/fw.bin", fw.image);
  const store = new SqliteEventStore(storePath);
  const h = chargePoint(store);
  await boot(h, csms);
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, new Date(clock.now()));
  h.cp.onResumeCharging(1);
  await quiet(h);
  assert.deepEqual(await trigger(h, csms, "ExtendedTriggerMessage"), { status: "Idle" });

  assert.deepEqual(
    await csms.call("CP-1", "SignedUpdateFirmware", {
      requestId: 5,
      retries: 0,
      firmware: {
        location: `${server.origin}/fw.bin`,
        retrieveDateTime: iso(t0 + 10_000),
        installDateTime: iso(t0 + 20_000),
        signingCertificate: fw.ecSigner,
        signature: fw.ecSignature,
      },
    }),
    { status: "Accepted" },
  );
  await csms.waitFor("SignedFirmwareStatusNotification", 2);
  await quiet(h);
  await clock.advance(10_000);
  await csms.waitFor("SignedFirmwareStatusNotification", 6);
  await quiet(h);
  const before = calls(csms, "StatusNotification").length;
  await clock.advance(10_000); // installDateTime, but a transaction runs on connector 1
  await csms.waitFor("StatusNotification", before + 1);
  await quiet(h);
  assert.deepEqual(connectorStatuses(before), ["2:Unavailable"]);
  assert.deepEqual(disabled, [2]);
  assert.equal(h.cp.connectorStatus(1), "Charging", "the transaction goes on");
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStartTransaction", { connectorId: 2, idTag: "TAG-2" }),
    { status: "Rejected" },
    "no new transaction on a held connector",
  );
  assert.equal(firmware.installs.length, 0, "not installed during the transaction");
  assert.deepEqual(await trigger(h, csms, "ExtendedTriggerMessage"), {
    status: "InstallScheduled",
    requestId: 5,
  });
  h.cp.onTransactionStopped(1, "s-1", "Local", new Date(clock.now()), 1000);
  await csms.waitFor("SignedFirmwareStatusNotification", 9);
  await quiet(h);
  assert.equal(firmware.installs.length, 1);
  assert.deepEqual(connectorStatuses(before), ["2:Unavailable", "1:Finishing", "1:Unavailable"]);
  assert.deepEqual(disabled, [2, 1]);
  await h.cp.stop();
  store.close();

  // The charger reboots into the new firmware: same store, a new process.
  const afterReboot = calls(csms, "StatusNotification").length;
  const store2 = new SqliteEventStore(storePath);
  const h2 = chargePoint(store2);
  await h2.cp.start();
  await csms.waitFor("SignedFirmwareStatusNotification", 10);
  await csms.waitFor("StatusNotification", afterReboot + 5);
  await quiet(h2);
  // Held through the reboot, released once the installation is confirmed.
  assert.deepEqual(connectorStatuses(afterReboot), [
    "0:Available",
    "1:Unavailable",
    "2:Unavailable",
    "1:Available",
    "2:Available",
  ]);
  assert.deepEqual(enabled, [1, 2]);
  assert.deepEqual(calls(csms, "SignedFirmwareStatusNotification").slice(1), [
    { status: "DownloadScheduled", requestId: 5 },
    { status: "Downloading", requestId: 5 },
    { status: "Downloaded", requestId: 5 },
    { status: "SignatureVerified", requestId: 5 },
    { status: "InstallScheduled", requestId: 5 },
    { status: "InstallScheduled", requestId: 5 }, // triggered
    { status: "Installing", requestId: 5 },
    { status: "InstallRebooting", requestId: 5 },
    { status: "Installed", requestId: 5 }, // after the reboot
  ]);
  const expectedRequest = {
    requestId: 5,
    location: `${server.origin}/fw.bin`,
    signed: true,
    signingCertificate: fw.ecSigner,
    signature: fw.ecSignature,
  };
  assert.deepEqual(firmware.installs[0]?.image, fw.image);
  assert.deepEqual(firmware.installs[0]?.request, expectedRequest);
  assert.deepEqual(confirmed, [expectedRequest]);
  assert.equal(server.requests.length, 1, "not downloaded again");
  await csms.waitFor("SecurityEventNotification", 3);
  assert.deepEqual(calls(csms, "SecurityEventNotification").map((p) => p.type), [
    "StartupOfTheDevice",
    "StartupOfTheDevice",
    "FirmwareUpdated",
  ]);
  assert.equal(securityEvents(h2, "InvalidFirmwareSignature"), 0);
  assert.deepEqual(await trigger(h2, csms, "ExtendedTriggerMessage"), { status: "Idle" });
  await h2.cp.stop();
  assertAllValid(csms.frames);
  assert.deepEqual(replay(store2).frames, [...h.sent, ...h2.sent]);
  store2.close();
});

Deno.test("SignedUpdateFirmware over FTP with a bad signature: InvalidSignature, InvalidFirmwareSignature raised exactly once, nothing installed", async () => {
  await using tmp = await tempDir();
  const fw = await makeFirmware(tmp.path);
  const root = `${tmp.path}/ftp`;
  await Deno.mkdir(`${root}/firmware`, { recursive: true });
  await Deno.writeFile(`${root}/firmware/fw.bin`, fw.image);
  await using ftp = await FtpServer.start(root, { user: "fw", password: "pw" });
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const firmware = installer(undefined);
  const securityLogPath = `${tmp.path}/security.log`;
  const h = makeChargePoint(csms.url, {
    clock,
    plugins: [
      securityLog({ path: securityLogPath }),
      firmwareUpdate({ install: firmware.install, manufacturerRoots: [fw.root] }),
    ],
  });
  await boot(h, csms);
  assert.deepEqual(
    await csms.call("CP-1", "SignedUpdateFirmware", {
      requestId: 6,
      firmware: {
        location: ftp.url("ftp", "fw", "pw", "/firmware/fw.bin"),
        retrieveDateTime: iso(clock.now()),
        signingCertificate: fw.ecSigner,
        signature: fw.wrongSignature,
      },
    }),
    { status: "Accepted" },
  );
  await csms.waitFor("SignedFirmwareStatusNotification", 3);
  await until(() => securityEvents(h, "InvalidFirmwareSignature") > 0, "the security event");
  await quiet(h);
  await clock.advance(60_000);
  assert.deepEqual(calls(csms, "SignedFirmwareStatusNotification"), [
    { status: "Downloading", requestId: 6 },
    { status: "Downloaded", requestId: 6 },
    { status: "InvalidSignature", requestId: 6 },
  ]);
  assert.equal(securityEvents(h, "InvalidFirmwareSignature"), 1);
  assert.deepEqual(
    readSecurityLog(securityLogPath).map((e) => e.type),
    ["StartupOfTheDevice", "InvalidFirmwareSignature"],
  );
  assert.deepEqual(firmware.installs, []);
  await finish(h, csms);
});

Deno.test("SignedUpdateFirmware over FTPS with an RSA-PSS signature is installed", async () => {
  await using tmp = await tempDir();
  const fw = await makeFirmware(tmp.path);
  const certs = await serverCertificates(tmp.path);
  const root = `${tmp.path}/ftp`;
  await Deno.mkdir(root, { recursive: true });
  await Deno.writeFile(`${root}/fw.bin`, fw.image);
  await using ftp = await FtpServer.start(root, { user: "fw", password: "pw" }, certs);
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const firmware = installer("Installed");
  const h = makeChargePoint(csms.url, {
    clock,
    plugins: [
      firmwareUpdate({
        install: firmware.install,
        manufacturerRoots: [fw.root],
        caCerts: [certs.ca],
      }),
    ],
  });
  await boot(h, csms);
  assert.deepEqual(
    await csms.call("CP-1", "SignedUpdateFirmware", {
      requestId: 7,
      firmware: {
        location: ftp.url("ftps", "fw", "pw", "/fw.bin"),
        retrieveDateTime: iso(clock.now() - 1000),
        signingCertificate: fw.rsaSigner,
        signature: fw.pssSignature,
      },
    }),
    { status: "Accepted" },
  );
  await csms.waitFor("SignedFirmwareStatusNotification", 5);
  assert.deepEqual(statuses(csms, "SignedFirmwareStatusNotification"), [
    "Downloading",
    "Downloaded",
    "SignatureVerified",
    "Installing",
    "Installed",
  ]);
  assert.deepEqual(firmware.installs[0]?.image, fw.image);
  await csms.waitFor("SecurityEventNotification");
  await quiet(h);
  await finish(h, csms);
});

Deno.test("SignedUpdateFirmware with a signing certificate of another root, or no root installed: InvalidCertificate and InvalidFirmwareSigningCertificate, nothing downloaded", async () => {
  await using tmp = await tempDir();
  const fw = await makeFirmware(tmp.path);
  await using server = new FileServer();
  server.files.set("/fw.bin", fw.image);
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const firmware = installer(undefined);
  const h = makeChargePoint(csms.url, {
    clock,
    plugins: [firmwareUpdate({ install: firmware.install, manufacturerRoots: [fw.root] })],
  });
  const bare = makeChargePoint(csms.url, {
    clock,
    chargePointId: "CP-2",
    plugins: [firmwareUpdate({ install: firmware.install })],
  });
  await boot(h, csms);
  const request = (signingCertificate: string, signature: string) => ({
    requestId: 8,
    firmware: {
      location: `${server.origin}/fw.bin`,
      retrieveDateTime: iso(clock.now()),
      signingCertificate,
      signature,
    },
  });
  assert.deepEqual(
    await csms.call("CP-1", "SignedUpdateFirmware", request(fw.foreignSigner, fw.foreignSignature)),
    { status: "InvalidCertificate" },
  );
  await until(() => securityEvents(h, "InvalidFirmwareSigningCertificate") === 1, "event");
  await bare.cp.start();
  await csms.waitFor("StatusNotification", 6);
  await quiet(bare);
  assert.deepEqual(
    await csms.call("CP-2", "SignedUpdateFirmware", request(fw.ecSigner, fw.ecSignature)),
    { status: "InvalidCertificate" },
  );
  await until(() => securityEvents(bare, "InvalidFirmwareSigningCertificate") === 1, "event");
  await quiet(h);
  await quiet(bare);
  await clock.advance(60_000);
  assert.equal(securityEvents(h, "InvalidFirmwareSigningCertificate"), 1);
  assert.deepEqual(server.requests, []);
  assert.deepEqual(calls(csms, "SignedFirmwareStatusNotification"), []);
  await bare.cp.stop();
  assert.deepEqual(replay(bare.store).frames, bare.sent);
  await finish(h, csms);
});

Deno.test("a signed download that keeps failing: Downloading, DownloadPaused, Downloading, DownloadFailed", async () => {
  await using tmp = await tempDir();
  const fw = await makeFirmware(tmp.path);
  await using server = new FileServer(); // no file: 404
  await using csms = await startCsms();
  const clock = new ManualClock(startTime());
  const lines: string[] = [];
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [firmwareUpdate({ install: () => {}, manufacturerRoots: [fw.root] })],
  });
  await boot(h, csms);
  await csms.call("CP-1", "SignedUpdateFirmware", {
    requestId: 9,
    retries: 1,
    retryInterval: 20,
    firmware: {
      location: `${server.origin}/missing.bin`,
      retrieveDateTime: iso(clock.now()),
      signingCertificate: fw.ecSigner,
      signature: fw.ecSignature,
    },
  });
  await until(() => lines.some((l) => l.includes("download attempt 1 failed")), "a failure");
  await csms.waitFor("SignedFirmwareStatusNotification", 2);
  await quiet(h);
  await clock.advance(20_000);
  await csms.waitFor("SignedFirmwareStatusNotification", 4);
  assert.deepEqual(statuses(csms, "SignedFirmwareStatusNotification"), [
    "Downloading",
    "DownloadPaused",
    "Downloading",
    "DownloadFailed",
  ]);
  await quiet(h);
  await finish(h, csms);
});

Deno.test("the firmware takes over signedUpdateFirmware; without any provider UpdateFirmware is NotSupported and SignedUpdateFirmware Rejected", async () => {
  await using csms = await startCsms();
  const asked: unknown[] = [];
  const h = makeChargePoint(csms.url, {
    clock: new ManualClock(startTime()),
    callbacks: {
      signedUpdateFirmware: (request) => {
        asked.push(request.requestId);
        return "Rejected";
      },
    },
    plugins: [firmwareUpdate({ install: () => {} })],
  });
  await boot(h, csms);
  const signed = {
    requestId: 10,
    firmware: {
      location: "https://127.0.0.1:1/fw.bin",
      retrieveDateTime: iso(Date.now()),
      signingCertificate: "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----",
      signature: "MA==",
    },
  };
  assert.deepEqual(await csms.call("CP-1", "SignedUpdateFirmware", signed), {
    status: "Rejected",
  });
  assert.deepEqual(asked, [10]);
  await h.cp.stop();

  const bare = makeChargePoint(csms.url, {
    clock: new ManualClock(startTime()),
    chargePointId: "CP-2",
  });
  await bare.cp.start();
  await csms.waitFor("StatusNotification", 6);
  await quiet(bare);
  await assert.rejects(
    csms.call("CP-2", "UpdateFirmware", {
      location: "https://127.0.0.1:1/fw.bin",
      retrieveDate: iso(Date.now()),
    }),
    (error: unknown) => error instanceof RpcCallError && error.code === "NotSupported",
  );
  assert.deepEqual(await csms.call("CP-2", "SignedUpdateFirmware", signed), {
    status: "Rejected",
  });
  await bare.cp.stop();
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
  assert.deepEqual(replay(bare.store).frames, bare.sent);
});

Deno.test("installation failures: a plain update's InstallVerificationFailed and a throwing install are InstallationFailed, a signed one's InstallVerificationFailed stays; the connectors are given back", async () => {
  await using tmp = await tempDir();
  const fw = await makeFirmware(tmp.path);
  await using server = new FileServer();
  server.files.set("/fw.bin", fw.image);
  const clock = new ManualClock(startTime());
  await using csms = await startCsms(clock);
  const outcomes: (() => InstallOutcome)[] = [
    () => "InstallVerificationFailed",
    () => {
      throw new Error("flash write failed");
    },
    () => "InstallVerificationFailed",
  ];
  const enabled: number[] = [];
  const h = makeChargePoint(csms.url, {
    clock,
    callbacks: { enableEvse: (c) => (enabled.push(c), true), disableEvse: () => true },
    plugins: [
      firmwareUpdate({
        install: () => (outcomes.shift() ?? (() => "Installed"))(),
        manufacturerRoots: [fw.root],
      }),
    ],
  });
  await boot(h, csms);
  for (const n of [1, 2]) {
    await csms.call("CP-1", "UpdateFirmware", {
      location: `${server.origin}/fw.bin`,
      retrieveDate: iso(clock.now()),
    });
    await csms.waitFor("FirmwareStatusNotification", 4 * n);
    await until(() => enabled.length === 2 * n, "connectors given back");
    await quiet(h);
  }
  await csms.call("CP-1", "SignedUpdateFirmware", {
    requestId: 31,
    firmware: {
      location: `${server.origin}/fw.bin`,
      retrieveDateTime: iso(clock.now()),
      signingCertificate: fw.ecSigner,
      signature: fw.ecSignature,
    },
  });
  await csms.waitFor("SignedFirmwareStatusNotification", 5);
  await until(() => enabled.length === 6, "connectors given back");
  await quiet(h);
  assert.deepEqual(statuses(csms, "FirmwareStatusNotification"), [
    "Downloading",
    "Downloaded",
    "Installing",
    "InstallationFailed", // InstallVerificationFailed: 1.6 has no such status
    "Downloading",
    "Downloaded",
    "Installing",
    "InstallationFailed", // install threw
  ]);
  assert.deepEqual(statuses(csms, "SignedFirmwareStatusNotification"), [
    "Downloading",
    "Downloaded",
    "SignatureVerified",
    "Installing",
    "InstallVerificationFailed",
  ]);
  assert.deepEqual(enabled, [1, 2, 1, 2, 1, 2]);
  assert.deepEqual([h.cp.connectorStatus(1), h.cp.connectorStatus(2)], ["Available", "Available"]);
  assert.equal(securityEvents(h, "FirmwareUpdated"), 0);
  await finish(h, csms);
});

Deno.test("SignedUpdateFirmware replacing one that waits for its retrieveDateTime is AcceptedCanceled; one during an installation is Rejected (and UpdateFirmware ignored); a ChangeAvailability during the installation is kept after it", async () => {
  await using tmp = await tempDir();
  const fw = await makeFirmware(tmp.path);
  await using server = new FileServer();
  server.files.set("/a.bin", fw.image);
  server.files.set("/b.bin", fw.image);
  const t0 = startTime();
  const clock = new ManualClock(t0);
  await using csms = await startCsms(clock);
  const lines: string[] = [];
  let finishInstall: (outcome: InstallOutcome) => void = () => {};
  const installs: string[] = [];
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [
      firmwareUpdate({
        install: (_image, request) => {
          installs.push(request.location);
          return new Promise<InstallOutcome>((resolve) => (finishInstall = resolve));
        },
        manufacturerRoots: [fw.root],
      }),
    ],
  });
  await boot(h, csms);
  const signed = (requestId: number, file: string, retrieve: number) => ({
    requestId,
    firmware: {
      location: `${server.origin}/${file}`,
      retrieveDateTime: iso(retrieve),
      signingCertificate: fw.ecSigner,
      signature: fw.ecSignature,
    },
  });
  assert.deepEqual(
    await csms.call("CP-1", "SignedUpdateFirmware", signed(41, "a.bin", t0 + 60_000)),
    {
      status: "Accepted",
    },
  );
  await csms.waitFor("SignedFirmwareStatusNotification", 1); // DownloadScheduled
  await quiet(h);
  assert.deepEqual(await csms.call("CP-1", "SignedUpdateFirmware", signed(42, "b.bin", t0)), {
    status: "AcceptedCanceled",
  });
  await until(() => installs.length === 1, "installing b");
  await csms.waitFor("SignedFirmwareStatusNotification", 5);
  await quiet(h);
  assert.deepEqual(await csms.call("CP-1", "SignedUpdateFirmware", signed(43, "a.bin", t0)), {
    status: "Rejected",
  });
  assert.deepEqual(
    await csms.call("CP-1", "UpdateFirmware", {
      location: `${server.origin}/a.bin`,
      retrieveDate: iso(t0),
    }),
    {},
  );
  await quiet(h);
  assert.ok(lines.includes("UpdateFirmware ignored: an installation is going on"));
  // Held for the installation; the central system takes connector 2 out of service meanwhile.
  assert.deepEqual([h.cp.connectorStatus(1), h.cp.connectorStatus(2)], [
    "Unavailable",
    "Unavailable",
  ]);
  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 2, type: "Inoperative" }),
    { status: "Accepted" },
  );
  finishInstall("Installed");
  await csms.waitFor("SignedFirmwareStatusNotification", 6);
  await quiet(h);
  await clock.advance(120_000); // request 41's retrieveDateTime passes: it was cancelled
  assert.deepEqual(calls(csms, "SignedFirmwareStatusNotification"), [
    { status: "DownloadScheduled", requestId: 41 },
    { status: "Downloading", requestId: 42 },
    { status: "Downloaded", requestId: 42 },
    { status: "SignatureVerified", requestId: 42 },
    { status: "Installing", requestId: 42 },
    { status: "Installed", requestId: 42 },
  ]);
  assert.deepEqual(installs, [`${server.origin}/b.bin`]);
  assert.deepEqual(server.requests.map((r) => r.path), ["/b.bin"]);
  await until(() => h.cp.connectorStatus(1) === "Available", "connector 1 given back");
  assert.equal(h.cp.connectorStatus(2), "Unavailable", "the central system's decision stays");
  assert.deepEqual(statuses(csms, "FirmwareStatusNotification"), []);
  await finish(h, csms);
});

Deno.test("UpdateFirmware over implicit FTPS: a 550 to RETR (image not published yet) is retried, then installed", async () => {
  await using tmp = await tempDir();
  const certs = await serverCertificates(tmp.path);
  const root = `${tmp.path}/ftp`;
  await Deno.mkdir(`${root}/fw`, { recursive: true });
  await using ftp = await FtpServer.start(
    root,
    { user: "fw", password: "pw" },
    { ...certs, implicit: true },
    { retrFailure550: true },
  );
  const clock = new ManualClock(startTime());
  await using csms = await startCsms(clock);
  const lines: string[] = [];
  const firmware = installer("Installed");
  const h = makeChargePoint(csms.url, {
    clock,
    logger: recordingLogger(lines),
    plugins: [
      firmwareUpdate({
        install: firmware.install,
        caCerts: [certs.ca],
        implicitFtpsPorts: [ftp.port], // the test server cannot listen on 990
      }),
    ],
  });
  await boot(h, csms);
  await csms.call("CP-1", "UpdateFirmware", {
    location: ftp.url("ftps", "fw", "pw", "/fw/2.0.bin"),
    retrieveDate: iso(clock.now()),
    retries: 2,
    retryInterval: 60,
  });
  await until(() => lines.some((l) => l.includes("download attempt 1 failed")), "the 550");
  assert.ok(lines.some((l) => l.includes("FTP 550") && l.includes("RETR /fw/2.0.bin")));
  await quiet(h);
  const image = new TextEncoder().encode("firmware 2.0");
  await Deno.writeFile(`${root}/fw/2.0.bin`, image); // published meanwhile
  await clock.advance(60_000);
  await csms.waitFor("FirmwareStatusNotification", 5);
  assert.deepEqual(statuses(csms, "FirmwareStatusNotification"), [
    "Downloading",
    "Downloading",
    "Downloaded",
    "Installing",
    "Installed",
  ]);
  assert.deepEqual(firmware.installs.map((i) => i.image), [image]);
  await quiet(h);
  await finish(h, csms);
});

Deno.test("a restart while an UpdateFirmware waits for its retry: the status starts Idle; the update resumes once registered, waits for retrieveDate, counts the attempts made", async () => {
  await using tmp = await tempDir();
  await using server = new FileServer();
  const t0 = startTime();
  const clock = new ManualClock(t0);
  await using csms = await startCsms(clock);
  const storePath = `${tmp.path}/events.sqlite`;
  const lines: string[] = [];
  const sent: string[] = [];
  const firmware = installer("Installed");
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
  const plugin = () => firmwareUpdate({ install: firmware.install });
  const image = new TextEncoder().encode("firmware 3.0");

  // 1. Accepted for in 10 minutes; the process ends while it waits.
  await run([plugin()], async (h) => {
    await csms.call("CP-1", "UpdateFirmware", {
      location: `${server.origin}/fw.bin`,
      retrieveDate: iso(t0 + 600_000),
      retries: 2,
      retryInterval: 60,
    });
    await quiet(h);
    assert.deepEqual(await trigger(h, csms, "ExtendedTriggerMessage"), {
      status: "DownloadScheduled",
    });
  });

  // 2. Restarted (with the plugin): it still waits for retrieveDate, then downloads; the first
  // two attempts fail (404: not published yet); the process ends during the retry wait.
  await run([plugin()], async (h) => {
    assert.deepEqual(await trigger(h, csms, "ExtendedTriggerMessage"), {
      status: "DownloadScheduled",
    });
    await clock.advance(599_000);
    assert.equal(server.requests.length, 0, "not before retrieveDate");
    await clock.advance(1_000);
    await until(() => lines.some((l) => l.includes("download attempt 1 failed")), "attempt 1");
    await quiet(h);
    await clock.advance(60_000);
    await until(() => lines.some((l) => l.includes("download attempt 2 failed")), "attempt 2");
    assert.deepEqual(await trigger(h, csms, "TriggerMessage"), { status: "Downloading" });
  });

  // 3. Without the plugin: nothing is going on any more (and without updateFirmware the plain
  // FirmwareStatusNotification is not implemented).
  await run([], async (h) => {
    assert.deepEqual(
      await csms.call("CP-1", "TriggerMessage", { requestedMessage: "FirmwareStatusNotification" }),
      { status: "NotImplemented" },
    );
    assert.deepEqual(await trigger(h, csms, "ExtendedTriggerMessage"), { status: "Idle" });
  });

  // 4. With the plugin again: the third and last attempt (retries 2) works.
  server.files.set("/fw.bin", image);
  await run([plugin()], async () => {
    await csms.waitFor("FirmwareStatusNotification", 7);
  });
  assert.deepEqual(statuses(csms, "FirmwareStatusNotification"), [
    "Downloading",
    "Downloading",
    "Downloading", // triggered
    "Downloading", // attempt 3, at once after the restart
    "Downloaded",
    "Installing",
    "Installed",
  ]);
  assert.deepEqual(server.requests.map((r) => r.status), [404, 404, 200]);
  assert.deepEqual(firmware.installs.map((i) => i.image), [image]);
  assertAllValid(csms.frames);
  const store = new SqliteEventStore(storePath);
  try {
    assert.deepEqual(replay(store).frames, sent);
  } finally {
    store.close();
  }
});

Deno.test("the firmware takes over updateFirmware: the plugin neither downloads nor resumes it after a restart", async () => {
  await using server = new FileServer();
  server.files.set("/fw.bin", new Uint8Array([1]));
  const clock = new ManualClock(startTime());
  await using csms = await startCsms(clock);
  const asked: FirmwareUpdateRequest[] = [];
  const store = new MemoryEventStore();
  const firmware = installer("Installed");
  const options = {
    clock,
    store,
    callbacks: { updateFirmware: (r: FirmwareUpdateRequest) => void asked.push(r) },
    plugins: [firmwareUpdate({ install: firmware.install })],
  };
  const h = makeChargePoint(csms.url, options);
  await boot(h, csms);
  const request = { location: `${server.origin}/fw.bin`, retrieveDate: iso(clock.now()) };
  assert.deepEqual(await csms.call("CP-1", "UpdateFirmware", request), {});
  await until(() => asked.length === 1, "the firmware's callback");
  assert.deepEqual(asked, [request]);
  h.cp.onFirmwareUpdateStatusNotification(-1, "Downloading"); // the firmware reports its own
  await csms.waitFor("FirmwareStatusNotification", 1);
  await quiet(h);
  await h.cp.stop();
  const again = makeChargePoint(csms.url, options);
  await again.cp.start();
  await csms.waitFor("StatusNotification", 6);
  await quiet(again);
  await clock.advance(120_000);
  await again.cp.stop();
  assert.deepEqual(server.requests, []);
  assert.deepEqual(firmware.installs, []);
  assert.deepEqual(statuses(csms, "FirmwareStatusNotification"), ["Downloading"]);
  assertAllValid(csms.frames);
  assert.deepEqual(replay(store).frames, [...h.sent, ...again.sent]);
});
