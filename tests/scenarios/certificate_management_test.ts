/**
 * Certificate management of the OCPP 1.6 Security Whitepaper against a real TLS central system on
 * 127.0.0.1 (the Node `https` + `ws` CSMS of tests/support/tls_csms.ts, which can require client
 * certificates), with certificates made by `openssl` in each test:
 *
 * - InstallCertificate (M05), GetInstalledCertificateIds (M03, hash data equal to what
 *   `openssl ocsp -req_text` computes), DeleteCertificate (M04);
 * - ExtendedTriggerMessage SignChargePointCertificate → SignCertificate → CertificateSigned
 *   (A02), the CSR checked and signed by `openssl`, then the reconnection under profile 3 with
 *   the new certificate, and the fall back to the previous one when the CSMS refuses it;
 * - the renewal before expiry (A03), also after a SignCertificate.conf `Rejected`.
 *
 * Every frame is checked against the OCPP 1.6 (security) JSON schemas; every log replays to the
 * frames that were sent; no private key ever reaches the log.
 *
 * @module
 */
import assert from "node:assert/strict";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { openssl, type TestPki, TlsCsms, withPki } from "../support/tls_csms.ts";
import { MemoryCertificateStore } from "../../core/certificate_store.ts";
import { basicAuthHeader } from "../../core/websocket_client.ts";
import { TIMER_CERTIFICATE_RENEWAL } from "../../core/requests/sign_certificate.ts";
import type { RecordedEvent } from "../../events/envelope.ts";

const KEY = "correct-horse-battery-staple";
const SERIAL = "SN-4711";
const CPO = "Acme CPO";
const DAY = 24 * 3600_000;

type Params = Record<string, unknown>;

/** The Node CSMS for a profile: TLS with the test CA; profile 3 requires a client certificate. */
function startCsms(pki: TestPki, profile: 2 | 3): Promise<TlsCsms> {
  return TlsCsms.start({
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca },
    requireClientCertificate: profile === 3,
    authorizations: [basicAuthHeader("CP-1", KEY)],
    heartbeat: 365 * 24 * 3600, // no heartbeat while a test moves the clock a month ahead
  });
}

/** A charge point on `csms` under `profile`, trusting `roots`, booted (statuses sent). */
async function chargePoint(
  pki: TestPki,
  csms: TlsCsms,
  profile: 2 | 3,
  roots: readonly string[] = [pki.ca],
): Promise<{ h: Harness; store: MemoryCertificateStore }> {
  const store = new MemoryCertificateStore();
  for (const root of roots) await store.addRoot("CentralSystemRootCertificate", root);
  if (profile === 3) {
    await store.setChargePointCredentials({
      certificateChain: pki.clientCert,
      privateKey: pki.clientKey,
    });
  }
  const h = makeChargePoint(csms.url.replace("ws:", "wss:"), {
    configuration: {
      SecurityProfile: String(profile),
      CpoName: CPO,
      CertificateStoreMaxLength: "3",
    },
    bootNotification: {
      chargePointVendor: "Acme",
      chargePointModel: "AC22",
      chargeBoxSerialNumber: SERIAL,
    },
    security: { authorizationKey: KEY, certificateStore: store },
  });
  await h.cp.start();
  await until(() => csms.calls("StatusNotification").length === 3, "booted");
  return { h, store };
}

/** Stops the charge point; the log replays to the frames sent and holds no private key. */
async function stopped(h: Harness, csms: TlsCsms): Promise<void> {
  await h.cp.stop();
  assertReplays(h);
  assert.ok(!JSON.stringify([...h.store.read(1)]).includes("PRIVATE KEY"), "no key in the log");
  assertAllValid(csms.frames);
}

/**
 * Asserts that the first `eventType` security event after `seq` was raised by the last event
 * before it that `cause` accepts: no other security event in between, stamped with its time (the
 * shell appends what a fold raises on a microtask, so a frame read meanwhile may come in
 * between). Waits for it (bounded).
 */
async function raisedBy(
  h: Harness,
  seq: number,
  cause: (e: RecordedEvent) => boolean,
  eventType: string,
): Promise<RecordedEvent> {
  const wanted = `SecurityEventOccurred:${eventType}`;
  const events = () => [...h.store.read(seq + 1)];
  await until(() => events().some((e) => describe(e) === wanted), wanted);
  const all = events();
  const raised = all.findIndex((e) => describe(e) === wanted);
  const causing = all.slice(0, raised).findLastIndex(cause);
  assert.ok(causing >= 0, `no cause before ${wanted}: ${all.map(describe).join(", ")}`);
  assert.ok(
    all.slice(causing + 1, raised).every((e) => e.type !== "SecurityEventOccurred"),
    "the next security event after its cause",
  );
  assert.equal(
    Date.parse((all[raised].data as { timestamp: string }).timestamp),
    Date.parse(all[causing].at) + h.cp.state.timeOffsetMs,
    "raised at the time of its cause",
  );
  return all[raised];
}

/** `raisedBy` for the result of a callback. */
const resultOf = (callback: string) => (e: RecordedEvent) =>
  describe(e) === `CallbackCompleted:${callback}`;

/** Events appended after `seq`, as `type` or `type:eventType` for security events. */
function since(h: Harness, seq: number): string[] {
  return [...h.store.read(seq + 1)].map((e) => describe(e));
}

function describe(e: RecordedEvent): string {
  if (e.type === "SecurityEventOccurred") {
    return `SecurityEventOccurred:${(e.data as { eventType: string }).eventType}`;
  }
  if (e.type === "CallbackCompleted") return `CallbackCompleted:${(e.data as Params).callback}`;
  return e.type;
}

/** A new self-signed CA certificate (PEM) made by openssl. */
async function makeCa(pki: TestPki, name: string): Promise<string> {
  await openssl(
    pki.dir,
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.pem`,
    "-days",
    "365",
    "-subj",
    `/CN=${name}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  return await Deno.readTextFile(`${pki.dir}/${name}.pem`);
}

/** The CertID of a self-signed root as `openssl ocsp -req_text` computes it (SHA-256). */
async function opensslHashData(pki: TestPki, pem: string): Promise<Params> {
  const file = `root-${crypto.randomUUID()}.pem`;
  await Deno.writeTextFile(`${pki.dir}/${file}`, pem);
  const text = await openssl(
    pki.dir,
    "ocsp",
    "-sha256",
    "-issuer",
    file,
    "-cert",
    file,
    "-req_text",
    "-no_nonce",
  );
  const field = (name: string) => new RegExp(`${name}: ([0-9A-F]+)`).exec(text)?.[1];
  return {
    hashAlgorithm: "SHA256",
    issuerNameHash: field("Issuer Name Hash"),
    issuerKeyHash: field("Issuer Key Hash"),
    serialNumber: field("Serial Number")?.replace(/^0+(?=.)/, ""),
  };
}

/** Waits for the `n`th SignCertificate.req and checks its CSR with openssl; the CSR. */
async function signRequest(pki: TestPki, csms: TlsCsms, n: number): Promise<string> {
  await until(() => csms.calls("SignCertificate").length === n, `SignCertificate #${n}`);
  const { csr } = csms.calls("SignCertificate")[n - 1] as { csr: string };
  const file = `request-${n}.csr`;
  await Deno.writeTextFile(`${pki.dir}/${file}`, csr);
  await openssl(pki.dir, "req", "-in", file, "-verify", "-noout"); // throws if it does not verify
  const subject = await openssl(
    pki.dir,
    "req",
    "-in",
    file,
    "-noout",
    "-subject",
    "-nameopt",
    "RFC2253",
  );
  assert.equal(subject.trim(), `subject=O=${CPO},CN=${SERIAL}`);
  const text = await openssl(pki.dir, "req", "-in", file, "-noout", "-text");
  assert.match(text, /prime256v1/, "an ECDSA P-256 key (A00.FR.503: at least 224 bits)");
  return csr;
}

Deno.test("InstallCertificate: CentralSystemRootCertificate and ManufacturerRootCertificate Accepted; Rejected over CertificateStoreMaxLength (no event) and for an invalid certificate (InvalidCentralSystemCertificate)", async () => {
  await withPki(async (pki) => {
    await using csms = await startCsms(pki, 2);
    const { h, store } = await chargePoint(pki, csms, 2);
    const install = async (certificateType: string, certificate: string) => {
      const mark = h.store.lastSeq();
      const answer = await csms.call("InstallCertificate", { certificateType, certificate });
      // The security event (if any) is appended right after the callback's result.
      await until(() => since(h, mark).includes("CallbackCompleted:installCertificate"), "done");
      return { answer, events: since(h, mark) };
    };
    const mfr = await makeCa(pki, "Manufacturer Root");
    const spare = await makeCa(pki, "Spare Root");

    assert.deepEqual(await install("CentralSystemRootCertificate", pki.otherCa), {
      answer: { status: "Accepted" },
      events: ["FrameReceived", "CallbackCompleted:installCertificate"],
    });
    assert.deepEqual((await install("ManufacturerRootCertificate", mfr)).answer, {
      status: "Accepted",
    });
    assert.deepEqual(await store.roots("CentralSystemRootCertificate"), [pki.ca, pki.otherCa]);
    assert.deepEqual(await store.roots("ManufacturerRootCertificate"), [mfr]);
    // The same certificate again: nothing new to store.
    assert.deepEqual((await install("ManufacturerRootCertificate", mfr)).answer, {
      status: "Accepted",
    });

    // Three roots installed (CertificateStoreMaxLength 3): a valid one is Rejected, no event.
    assert.deepEqual(await install("CentralSystemRootCertificate", spare), {
      answer: { status: "Rejected" },
      events: ["FrameReceived", "CallbackCompleted:installCertificate"],
    });
    // An end-entity certificate, or no certificate at all: invalid, the event is raised.
    for (const invalid of [pki.serverCert, "-----BEGIN CERTIFICATE-----\nAAAA\n"]) {
      assert.deepEqual(await install("CentralSystemRootCertificate", invalid), {
        answer: { status: "Rejected" },
        events: [
          "FrameReceived",
          "CallbackCompleted:installCertificate",
          "SecurityEventOccurred:InvalidCentralSystemCertificate",
        ],
      });
    }
    assert.equal((await store.roots("CentralSystemRootCertificate")).length, 2);
    await stopped(h, csms);
  });
});

Deno.test("GetInstalledCertificateIds: the hash data openssl computes, NotFound when none; DeleteCertificate Accepted, NotFound, Failed for the last CSMS root under profile 2", async () => {
  await withPki(async (pki) => {
    await using csms = await startCsms(pki, 2);
    const { h, store } = await chargePoint(pki, csms, 2, [pki.ca, pki.otherCa]);
    const ids = (certificateType: string) =>
      csms.call("GetInstalledCertificateIds", { certificateType }) as Promise<Params>;

    assert.deepEqual(await ids("ManufacturerRootCertificate"), { status: "NotFound" });
    const caHash = await opensslHashData(pki, pki.ca);
    const otherHash = await opensslHashData(pki, pki.otherCa);
    assert.deepEqual(await ids("CentralSystemRootCertificate"), {
      status: "Accepted",
      certificateHashData: [caHash, otherHash],
    });

    const remove = (certificateHashData: Params) =>
      csms.call("DeleteCertificate", { certificateHashData });
    assert.deepEqual(await remove(otherHash), { status: "Accepted" });
    assert.deepEqual(await store.roots("CentralSystemRootCertificate"), [pki.ca]);
    assert.deepEqual(await remove(otherHash), { status: "NotFound" });
    // Hashes and serial numbers compare in any case.
    assert.deepEqual(
      await remove({
        ...caHash,
        issuerNameHash: String(caHash.issuerNameHash).toLowerCase(),
        serialNumber: String(caHash.serialNumber).toLowerCase(),
      }),
      { status: "Failed" },
      "the last CentralSystemRootCertificate while profile 2 uses it",
    );
    assert.deepEqual(await store.roots("CentralSystemRootCertificate"), [pki.ca]);
    assert.deepEqual(await ids("CentralSystemRootCertificate"), {
      status: "Accepted",
      certificateHashData: [caHash],
    });
    await stopped(h, csms);
  });
});

Deno.test("ExtendedTriggerMessage SignChargePointCertificate → SignCertificate (CSR checked by openssl) → CertificateSigned Accepted → reconnect under profile 3 with the new certificate", async () => {
  await withPki(async (pki) => {
    await using csms = await startCsms(pki, 3);
    const { h, store } = await chargePoint(pki, csms, 3);
    assert.equal(csms.requests[0].clientCn, "CP-1-factory");

    assert.deepEqual(
      await csms.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }),
      { status: "Accepted" },
    );
    const csr = await signRequest(pki, csms, 1);
    const signed = await pki.sign(csr);
    const mark = h.store.lastSeq();
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: signed }), {
      status: "Accepted",
    });
    // The previous certificate stays until a connection proved the new one.
    assert.equal((await store.chargePointCredentials())?.certificateChain, pki.clientCert);
    assert.equal((await store.newChargePointCredentials())?.certificateChain, signed);
    assert.equal(h.cp.state.securityTransition?.reason, "CertificateSigned");

    await h.clock.advance(1000); // the answer is out: reconnect with the new certificate
    await until(() => csms.requests.length === 2 && h.cp.state.link === "Open", "reconnected");
    assert.equal(csms.requests[1].clientCn, SERIAL, "the CSMS sees the new certificate");
    await until(
      () => since(h, mark).includes("CallbackCompleted:chargePointCertificateSwitched"),
      "switched",
    );
    assert.equal((await store.chargePointCredentials())?.certificateChain, signed);
    assert.equal(await store.newChargePointCredentials(), undefined);
    assert.equal(await store.pendingKey(), undefined);
    assert.equal(h.cp.state.securityTransition, undefined);
    assert.equal(h.cp.state.config.SecurityProfile, "3");
    // The renewal follows the new certificate: 30 days before its end (90 days from now).
    const renewal = h.cp.state.timers[TIMER_CERTIFICATE_RENEWAL];
    const remaining = renewal - h.clock.now();
    assert.ok(remaining > 59 * DAY && remaining < 61 * DAY, `renewal in ${remaining / DAY} days`);

    // No signing request pending any more: the same chain again is Rejected, with the event.
    const again = h.store.lastSeq();
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: signed }), {
      status: "Rejected",
    });
    await raisedBy(h, again, resultOf("certificateSigned"), "InvalidChargePointCertificate");
    await until(() => csms.calls("StatusNotification").length === 6, "statuses after reconnect");
    await stopped(h, csms);
  });
});

Deno.test("CertificateSigned with a chain of an untrusted CA: Rejected, InvalidChargePointCertificate, the certificate in use unchanged", async () => {
  await withPki(async (pki) => {
    await using csms = await startCsms(pki, 2);
    const { h, store } = await chargePoint(pki, csms, 2);
    assert.deepEqual(
      await csms.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }),
      { status: "Accepted" },
    );
    const csr = await signRequest(pki, csms, 1);
    const untrusted = await pki.sign(csr, 90, "other");
    const mark = h.store.lastSeq();
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: untrusted }), {
      status: "Rejected",
    });
    const event = await raisedBy(
      h,
      mark,
      resultOf("certificateSigned"),
      "InvalidChargePointCertificate",
    );
    assert.match(
      String((event.data as Params).techInfo),
      /not signed by an installed CentralSystemRootCertificate/,
    );
    assert.equal(await store.chargePointCredentials(), undefined);
    assert.equal(await store.newChargePointCredentials(), undefined);
    assert.notEqual(await store.pendingKey(), undefined, "the request still waits for its answer");
    // Correctly signed now: Accepted (under profile 2 it replaces the certificate at once).
    assert.deepEqual(
      await csms.call("CertificateSigned", { certificateChain: await pki.sign(csr) }),
      { status: "Accepted" },
    );
    assert.notEqual(await store.chargePointCredentials(), undefined);
    assert.equal(h.cp.state.securityTransition, undefined, "no reconnection under profile 2");
    await stopped(h, csms);
  });
});

Deno.test("profile 3: a new certificate the central system refuses falls back to the previous one (FailedToAuthenticateAtCentralSystem)", async () => {
  await withPki(async (pki) => {
    // The charge point trusts both roots; the CSMS accepts client certificates of `ca` only.
    await using csms = await startCsms(pki, 3);
    const { h, store } = await chargePoint(pki, csms, 3, [pki.ca, pki.otherCa]);
    assert.deepEqual(
      await csms.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }),
      { status: "Accepted" },
    );
    const signed = await pki.sign(await signRequest(pki, csms, 1), 90, "other");
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: signed }), {
      status: "Accepted",
    });
    const mark = h.store.lastSeq();
    await h.clock.advance(1000);
    await until(() => csms.requests.length === 2 && h.cp.state.link === "Open", "back online");
    assert.equal(csms.tlsErrors.length, 1, "the new certificate was refused by the CSMS");
    assert.deepEqual(csms.requests.map((r) => r.clientCn), ["CP-1-factory", "CP-1-factory"]);
    // Raised by the failed attempt (not the charge point's own close before it).
    await raisedBy(
      h,
      mark,
      (e) => e.type === "ConnectionClosed" && (e.data as { wasOpen: boolean }).wasOpen === false,
      "FailedToAuthenticateAtCentralSystem",
    );
    await until(
      () => since(h, mark).includes("CallbackCompleted:chargePointCertificateSwitched"),
      "switched back",
    );
    assert.equal((await store.chargePointCredentials())?.certificateChain, pki.clientCert);
    assert.equal(await store.newChargePointCredentials(), undefined, "the new one is dropped");
    assert.equal(h.cp.state.securityTransition, undefined);
    // The renewal follows the certificate in use again (60 days valid: due in about 30).
    await until(
      () =>
        since(h, mark).filter((e) => e === "CallbackCompleted:clientCertificateInfo").length ===
          1,
      "renewal planned again",
    );
    const remaining = h.cp.state.timers[TIMER_CERTIFICATE_RENEWAL] - h.clock.now();
    assert.ok(remaining > 29 * DAY && remaining < 31 * DAY, `renewal in ${remaining / DAY} days`);
    await until(() => csms.calls("StatusNotification").length === 6, "statuses after reconnect");
    await stopped(h, csms);
  });
});

Deno.test("renewal before expiry: at the renewal time a SignCertificate is sent; Rejected, it is tried again 12 h later; then signed and used", async () => {
  await withPki(async (pki) => {
    await using csms = await startCsms(pki, 3);
    const { h } = await chargePoint(pki, csms, 3);
    // Planned once registered: 30 days before the end of the 60-day client certificate.
    await until(() => TIMER_CERTIFICATE_RENEWAL in h.cp.state.timers, "renewal planned");
    const due = h.cp.state.timers[TIMER_CERTIFICATE_RENEWAL];
    const remaining = due - h.clock.now();
    assert.ok(remaining > 29 * DAY && remaining < 31 * DAY, `renewal in ${remaining / DAY} days`);

    await csms.respond("SignCertificate", { status: "Rejected" });
    await h.clock.advance(due - h.clock.now()); // straight to the renewal (nothing else is due)
    await signRequest(pki, csms, 1);
    await until(
      () => h.cp.state.inFlight === undefined && h.cp.state.timers[TIMER_CERTIFICATE_RENEWAL] > due,
      "answer folded",
    );
    assert.equal(h.cp.state.timers[TIMER_CERTIFICATE_RENEWAL], h.clock.now() + 12 * 3600_000);
    const sent = csms.frames.filter((f) => f.dir === "fromCp").map((f) => JSON.parse(f.text));
    assert.ok(
      sent.every((m) => m[2] !== "SecurityEventNotification" || m[3].type === "StartupOfTheDevice"),
      "a refused renewal is no security event",
    );

    await csms.respond("SignCertificate", null);
    await h.clock.advance(12 * 3600_000);
    const csr = await signRequest(pki, csms, 2);
    assert.deepEqual(
      await csms.call("CertificateSigned", { certificateChain: await pki.sign(csr) }),
      { status: "Accepted" },
    );
    await h.clock.advance(1000);
    await until(() => csms.requests.length === 2 && h.cp.state.link === "Open", "reconnected");
    assert.equal(csms.requests[1].clientCn, SERIAL);
    await until(() => csms.calls("StatusNotification").length === 6, "statuses after reconnect");
    await stopped(h, csms);
  });
});

Deno.test("firmware certificate callbacks: a root the firmware installs in the shared store is used by the next connection (upgrade 1 → 2)", async () => {
  await withPki(async (pki) => {
    await using csms = await TlsCsms.start({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca },
      authorizations: [basicAuthHeader("CP-1", KEY)],
    });
    const store = new MemoryCertificateStore(); // no root yet: wss:// would not verify
    const installed: string[] = [];
    const h = makeChargePoint(csms.url, {
      configuration: { SecurityProfile: "1" },
      security: {
        authorizationKey: KEY,
        certificateStore: store,
        csmsUrls: { 2: csms.url.replace("ws:", "wss:") },
      },
      callbacks: {
        // The firmware keeps the certificates itself, in the store the charge point reads.
        installCertificate: async (type, certificate) => {
          installed.push(type);
          await store.addRoot(type, certificate);
          return "Accepted" as const;
        },
        checkSecurityProfile: async (profile) => ({
          ok: profile === 2 && (await store.roots("CentralSystemRootCertificate")).length > 0,
        }),
      },
    });
    await h.cp.start();
    await until(() => csms.calls("StatusNotification").length === 3, "booted");
    assert.deepEqual(
      await csms.call("InstallCertificate", {
        certificateType: "CentralSystemRootCertificate",
        certificate: pki.ca,
      }),
      { status: "Accepted" },
    );
    assert.deepEqual(installed, ["CentralSystemRootCertificate"]);
    assert.deepEqual(
      await csms.call("ChangeConfiguration", { key: "SecurityProfile", value: "2" }),
      { status: "Accepted" },
    );
    await h.clock.advance(1000);
    await until(() => h.cp.state.config.SecurityProfile === "2", "profile 2 in effect");
    await until(() => csms.requests.length === 2, "second upgrade request");
    assert.deepEqual(csms.requests.map((r) => r.tls), [false, true]);
    await until(() => csms.calls("StatusNotification").length === 6, "statuses after reconnect");
    await stopped(h, csms);
  });
});
