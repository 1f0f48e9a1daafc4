/**
 * Security profiles 1-3 of the OCPP 1.6 Security Whitepaper against real TLS peers on
 * 127.0.0.1: `Deno.serve` with a certificate (ScriptedCsms `tls`, profile 2) and a Node
 * `https` + `ws` CSMS that requires or accepts client certificates (profile 3, upgrades).
 * Certificates are made with `openssl` per test.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { TlsCsms, withPki } from "../support/tls_csms.ts";
import { MemoryCertificateStore } from "../../core/certificate_store.ts";
import { SecurityProfileError } from "../../core/security/profile.ts";
import { basicAuthHeader } from "../../core/websocket_client.ts";
import type { ChargePointOptions } from "../../core/charge_point.ts";

const KEY = "correct-horse-battery-staple"; // a text AuthorizationKey (16..40 characters)
const HEX_KEY = "00112233445566778899AABBCCDDEEFF0011"; // 18 bytes, hex represented
const basic = (password: string | Uint8Array) => basicAuthHeader("CP-1", password);

/**
 * The security events the charge point recorded, as `type: techInfo`, without the
 * `StartupOfTheDevice` of each start (tests/scenarios/security_events_test.ts).
 */
function securityEvents(h: Harness): string[] {
  return [...h.store.read(1)].filter((e) => e.type === "SecurityEventOccurred").map((e) => {
    const data = e.data as { eventType: string; techInfo?: string };
    return `${data.eventType}: ${data.techInfo ?? ""}`;
  }).filter((e) => !e.startsWith("StartupOfTheDevice:"));
}

/** The `wss:` URL of a Node CSMS (it serves ws: and wss: on one port). */
const wss = (csms: TlsCsms) => csms.url.replace("ws:", "wss:");

async function storeWith(roots: string[], client?: { cert: string; key: string }) {
  const store = new MemoryCertificateStore();
  for (const root of roots) await store.addRoot("CentralSystemRootCertificate", root);
  if (client !== undefined) {
    await store.setChargePointCredentials({
      certificateChain: client.cert,
      privateKey: client.key,
    });
  }
  return store;
}

async function stopped(h: Harness): Promise<void> {
  await h.cp.stop();
  assertReplays(h);
  const log = JSON.stringify([...h.store.read(1)]);
  assert.ok(!log.includes(KEY) && !log.includes(HEX_KEY), "no AuthorizationKey in the log");
  assert.ok(!log.includes("PRIVATE KEY"), "no private key in the log");
}

Deno.test("profile 1: Basic auth with the AuthorizationKey over ws://; a wrong key is 401 + FailedToAuthenticateAtCentralSystem", async () => {
  await using csms = await ScriptedCsms.start({ basicAuth: { username: "CP-1", password: KEY } });
  const h = makeChargePoint(csms.url, {
    configuration: { SecurityProfile: "1" },
    security: { authorizationKey: KEY },
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  assert.equal(csms.requests[0]?.headers.authorization, basic(KEY));
  await stopped(h);
  assertAllValid(csms.frames);

  const wrong = makeChargePoint(csms.url, {
    configuration: { SecurityProfile: "1" },
    security: { authorizationKey: "wrong-key-wrong-key" },
  });
  await wrong.cp.start();
  await until(() => securityEvents(wrong).length > 0, "security event");
  assert.equal(csms.requests.at(-1)?.status, 401);
  assert.match(securityEvents(wrong)[0], /^FailedToAuthenticateAtCentralSystem: HTTP 401/);
  await stopped(wrong);
});

Deno.test("profile 1: a hex AuthorizationKey is sent as the bytes it represents", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url, {
    configuration: { SecurityProfile: "1", AuthorizationKey: HEX_KEY },
  });
  await h.cp.start();
  await csms.waitFor("BootNotification");
  const bytes = Uint8Array.from(HEX_KEY.match(/../g)!.map((b) => parseInt(b, 16)));
  assert.equal(csms.requests[0]?.headers.authorization, basic(bytes));
  await stopped(h);
});

Deno.test("profile 2: wss:// to Deno.serve, the CSMS certificate verified against the installed root, Basic auth", async () => {
  await withPki(async (pki) => {
    await using csms = await ScriptedCsms.start({
      tls: { cert: pki.serverCert, key: pki.serverKey },
      basicAuth: { username: "CP-1", password: KEY },
    });
    const h = makeChargePoint(csms.url, {
      configuration: { SecurityProfile: "2" },
      security: { authorizationKey: KEY, certificateStore: await storeWith([pki.ca]) },
    });
    await h.cp.start();
    await csms.waitFor("StatusNotification", 3);
    assert.equal(csms.requests[0]?.headers.authorization, basic(KEY));
    assert.ok(h.cp.state.connectors.length === 3);
    assert.deepEqual(securityEvents(h), []);
    await stopped(h);
    assertAllValid(csms.frames);
  });
});

for (
  const [what, cert] of [
    ["an untrusted", "untrustedServerCert"],
    ["an expired", "expiredServerCert"],
  ] as const
) {
  Deno.test(`profile 2: ${what} CSMS certificate fails the connection with InvalidCentralSystemCertificate`, async () => {
    await withPki(async (pki) => {
      await using csms = await ScriptedCsms.start({
        tls: { cert: pki[cert], key: pki.serverKey },
      });
      const h = makeChargePoint(csms.url, {
        configuration: { SecurityProfile: "2" },
        security: { authorizationKey: KEY, certificateStore: await storeWith([pki.ca]) },
      });
      await h.cp.start();
      await until(() => securityEvents(h).length > 0, "security event");
      const [event] = securityEvents(h);
      assert.match(event, /^InvalidCentralSystemCertificate: .*invalid peer certificate/);
      assert.match(event, cert === "expiredServerCert" ? /expired/i : /UnknownIssuer/);
      assert.equal(csms.connectionCount, 0, "no WebSocket connection");
      assert.equal(h.cp.state.link, "Disconnected");
      await stopped(h);
    });
  });
}

Deno.test("profile 3: TLS client certificate against a Node CSMS that requires and verifies it; no password sent", async () => {
  await withPki(async (pki) => {
    await using csms = await TlsCsms.start({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca },
      requireClientCertificate: true,
    });
    const h = makeChargePoint(wss(csms), {
      configuration: { SecurityProfile: "3" },
      security: {
        authorizationKey: KEY,
        certificateStore: await storeWith([pki.ca], { cert: pki.clientCert, key: pki.clientKey }),
      },
    });
    await h.cp.start();
    await until(() => csms.calls("StatusNotification").length === 3, "StatusNotifications");
    assert.deepEqual(csms.requests.map((r) => [r.tls, r.clientCn, r.authorization]), [
      [true, "CP-1-factory", null],
    ]);
    await stopped(h);
    assertAllValid(csms.frames);
  });
});

Deno.test("a missing client certificate: the profile-3 CSMS refuses the TLS handshake, FailedToAuthenticateAtCentralSystem", async () => {
  await withPki(async (pki) => {
    await using csms = await TlsCsms.start({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca },
      requireClientCertificate: true,
    });
    const h = makeChargePoint(wss(csms), {
      configuration: { SecurityProfile: "2" },
      security: { authorizationKey: KEY, certificateStore: await storeWith([pki.ca]) },
    });
    await h.cp.start();
    await until(() => securityEvents(h).length > 0, "security event");
    assert.match(
      securityEvents(h)[0],
      /^FailedToAuthenticateAtCentralSystem: .*CertificateRequired/,
    );
    assert.deepEqual(csms.requests, [], "no upgrade request got through");
    await stopped(h);
  });
});

Deno.test("start() refuses a profile it cannot use: URL scheme (never rewritten), missing key, missing client certificate", async () => {
  const cases: [Partial<ChargePointOptions>, string, string][] = [
    [{ configuration: { SecurityProfile: "1" } }, "wss://127.0.0.1:1/ocpp", "URL_SCHEME_MISMATCH"],
    [
      { configuration: { SecurityProfile: "2" }, security: { authorizationKey: KEY } },
      "ws://127.0.0.1:1/ocpp",
      "URL_SCHEME_MISMATCH",
    ],
    [
      {
        configuration: { SecurityProfile: "3" },
        security: {
          clientCertificate: "-----BEGIN CERTIFICATE-----",
          clientKey: "-----BEGIN PRIVATE KEY-----",
        },
      },
      "ws://127.0.0.1:1/ocpp",
      "URL_SCHEME_MISMATCH",
    ],
    [
      { configuration: { SecurityProfile: "1" } },
      "ws://127.0.0.1:1/ocpp",
      "MISSING_AUTHORIZATION_KEY",
    ],
    [
      {
        configuration: { SecurityProfile: "3" },
        security: { certificateStore: new MemoryCertificateStore() },
      },
      "wss://127.0.0.1:1/ocpp",
      "MISSING_CLIENT_CERTIFICATE",
    ],
  ];
  for (const [options, url, code] of cases) {
    const h = makeChargePoint(url, options);
    await assert.rejects(
      h.cp.start(),
      (e: unknown) => e instanceof SecurityProfileError && e.code === code,
    );
    assert.equal([...h.store.read(1)].length, 0, "nothing appended");
  }
  // The message says what to set, and never quotes a secret.
  const h = makeChargePoint("ws://CP-1:url-password@127.0.0.1:1/ocpp", {
    configuration: { SecurityProfile: "2" },
    security: { authorizationKey: KEY },
  });
  await assert.rejects(h.cp.start(), (e: unknown) => {
    assert.ok(e instanceof SecurityProfileError);
    assert.match(e.message, /security profile 2.*wss:\/\/ csmsUrl or security\.csmsUrls\[2\]/);
    assert.ok(!e.message.includes("url-password") && !e.message.includes(KEY));
    return true;
  });
  // An explicit URL for the profile is used: start() goes on.
  const explicit = makeChargePoint("ws://127.0.0.1:1/ocpp", {
    configuration: { SecurityProfile: "2" },
    security: {
      authorizationKey: KEY,
      csmsUrls: { 2: "wss://127.0.0.1:1/ocpp" },
      certificateStore: new MemoryCertificateStore(),
    },
  });
  await explicit.cp.start();
  await explicit.cp.stop();
  assert.throws(
    () =>
      makeChargePoint("ws://127.0.0.1:1/ocpp", {
        security: { csmsUrls: { 2: "ws://127.0.0.1:2/ocpp" } },
      }),
    (e: unknown) => e instanceof SecurityProfileError && e.code === "URL_SCHEME_MISMATCH",
  );
});

Deno.test("upgrade 1 → 2 → 3 by ChangeConfiguration, each by reconnecting; downgrades and equal values refused", async () => {
  await withPki(async (pki) => {
    await using csms = await TlsCsms.start({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca },
      authorizations: [basic(KEY)],
    });
    const changed: string[][] = [];
    const csmsUrls = { 2: wss(csms), 3: wss(csms) };
    const h = makeChargePoint(csms.url, {
      configuration: { SecurityProfile: "1" },
      security: {
        authorizationKey: KEY,
        csmsUrls,
        certificateStore: await storeWith([pki.ca], { cert: pki.clientCert, key: pki.clientKey }),
      },
      callbacks: { configurationKeyChanged: (k, v) => void changed.push([k, v]) },
    });
    await h.cp.start();
    await until(() => csms.calls("StatusNotification").length === 3, "booted");
    const change = (value: string) =>
      csms.call("ChangeConfiguration", { key: "SecurityProfile", value });

    assert.deepEqual(await change("2"), { status: "Accepted" });
    assert.equal(h.cp.state.config.SecurityProfile, "1", "in effect only once connected");
    await h.clock.advance(1000); // the answer is out: reconnect with profile 2
    await until(() => h.cp.state.config.SecurityProfile === "2", "profile 2");
    await until(() => csms.calls("StatusNotification").length === 6, "statuses after reconnect");

    assert.deepEqual(await change("3"), { status: "Accepted" });
    await h.clock.advance(1000);
    await until(() => h.cp.state.config.SecurityProfile === "3", "profile 3");
    await until(() => csms.calls("StatusNotification").length === 9, "statuses on profile 3");

    for (const value of ["2", "3", "0"]) {
      assert.deepEqual(await change(value), { status: "Rejected" });
    }
    assert.deepEqual(
      await csms.call("GetConfiguration", { key: ["SecurityProfile"] }),
      { configurationKey: [{ key: "SecurityProfile", readonly: false, value: "3" }] },
    );
    assert.deepEqual(csms.requests.map((r) => [r.tls, r.clientCn ?? null, r.authorization]), [
      [false, null, basic(KEY)],
      [true, null, basic(KEY)],
      [true, "CP-1-factory", null],
    ]);
    assert.deepEqual(csms.calls("BootNotification").length, 1, "no new BootNotification");
    assert.deepEqual(securityEvents(h), [
      "ReconfigurationOfSecurityParameters: SecurityProfile changed from 1 to 2",
      "ReconfigurationOfSecurityParameters: SecurityProfile changed from 2 to 3",
    ]);
    assert.deepEqual(changed, [["SecurityProfile", "2"], ["SecurityProfile", "3"]]);
    await stopped(h);
    assertAllValid(csms.frames);

    // The profile survives a restart (from the log), with the same store.
    const again = makeChargePoint(csms.url, {
      store: h.store,
      configuration: { SecurityProfile: "1" },
      security: {
        csmsUrls,
        certificateStore: await storeWith([pki.ca], { cert: pki.clientCert, key: pki.clientKey }),
      },
    });
    await again.cp.start();
    await until(() => csms.requests.length === 4, "fourth connection");
    assert.equal(csms.requests[3].clientCn, "CP-1-factory");
    await again.cp.stop();
  });
});

Deno.test("an upgrade whose connection fails falls back to the previous profile", async () => {
  await withPki(async (pki) => {
    await using csms = await TlsCsms.start({
      tls: { cert: pki.untrustedServerCert, key: pki.serverKey, ca: pki.ca },
      authorizations: [basic(KEY)],
    });
    const h = makeChargePoint(csms.url, {
      configuration: { SecurityProfile: "1" },
      security: {
        authorizationKey: KEY,
        csmsUrls: { 2: wss(csms) },
        certificateStore: await storeWith([pki.ca]),
      },
    });
    await h.cp.start();
    await until(() => csms.calls("StatusNotification").length === 3, "booted");
    // Prerequisites are met (key, root, URL), so the change is accepted...
    assert.deepEqual(
      await csms.call("ChangeConfiguration", { key: "SecurityProfile", value: "2" }),
      { status: "Accepted" },
    );
    await h.clock.advance(1000);
    // ...but the CSMS certificate does not verify: back to profile 1 at once.
    await until(() => csms.requests.length === 2, "reconnected with profile 1");
    await until(() => h.cp.state.link === "Open", "open");
    assert.deepEqual(csms.requests.map((r) => r.tls), [false, false]);
    assert.equal(h.cp.state.config.SecurityProfile, "1");
    assert.equal(h.cp.state.securityTransition, undefined);
    assert.equal(securityEvents(h).length, 1);
    assert.match(securityEvents(h)[0], /^InvalidCentralSystemCertificate: .*UnknownIssuer/);
    await stopped(h);
    assertAllValid(csms.frames);
  });
});

/** Why `checkSecurityProfile` refused, from the `CallbackCompleted` events of the log. */
function refusals(h: Harness): string[] {
  return [...h.store.read(1)].filter((e) =>
    e.type === "CallbackCompleted" &&
    (e.data as { callback: string }).callback === "checkSecurityProfile"
  ).map((e) => String((e.data as { result?: { reason?: string } }).result?.reason));
}

Deno.test("prerequisites: SecurityProfile 2 without a CSMS root, 3 without a certificate, 2 without a wss:// URL are Rejected", async () => {
  await withPki(async (pki) => {
    await using csms = await ScriptedCsms.start();
    const h = makeChargePoint(csms.url, {
      configuration: { SecurityProfile: "1" },
      security: {
        authorizationKey: KEY,
        csmsUrls: { 2: "wss://127.0.0.1:1/ocpp", 3: "wss://127.0.0.1:1/ocpp" },
        certificateStore: new MemoryCertificateStore(),
      },
    });
    await h.cp.start();
    await csms.waitFor("StatusNotification", 3);
    for (const value of ["2", "3"]) {
      assert.deepEqual(
        await csms.call("ChangeConfiguration", { key: "SecurityProfile", value }),
        { status: "Rejected" },
      );
    }
    assert.deepEqual(refusals(h), [
      "no valid CentralSystemRootCertificate installed",
      "no valid CentralSystemRootCertificate installed",
    ]);
    assert.equal(h.cp.state.config.SecurityProfile, "1");
    await stopped(h);
    assertAllValid(csms.frames);

    // Everything but a wss:// URL: the ws:// csmsUrl is not rewritten, the upgrade is Rejected.
    const noUrl = makeChargePoint(csms.url, {
      configuration: { SecurityProfile: "1" },
      security: { authorizationKey: KEY, certificateStore: await storeWith([pki.ca]) },
    });
    await noUrl.cp.start();
    await csms.waitFor("StatusNotification", 6);
    assert.deepEqual(
      await csms.call("ChangeConfiguration", { key: "SecurityProfile", value: "2" }),
      { status: "Rejected" },
    );
    assert.match(refusals(noUrl)[0], /^no wss:\/\/ URL for security profile 2/);
    await stopped(noUrl);
    assertAllValid(csms.frames);
  });
});

Deno.test("AuthorizationKey change under profile 1: ReconfigurationOfSecurityParameters and a reconnect with the new key", async () => {
  await withPki(async (pki) => {
    const next = "another-key-of-twenty-chars";
    await using csms = await TlsCsms.start({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca },
      authorizations: [basic(KEY), basic(next)],
    });
    const h = makeChargePoint(csms.url, {
      configuration: { SecurityProfile: "1" },
      security: { authorizationKey: KEY, certificateStore: new MemoryCertificateStore() },
    });
    await h.cp.start();
    await until(() => csms.calls("StatusNotification").length === 3, "booted");
    assert.deepEqual(
      await csms.call("ChangeConfiguration", { key: "AuthorizationKey", value: next }),
      { status: "Accepted" },
    );
    await h.clock.advance(1000);
    await until(() => csms.requests.length === 2 && h.cp.state.link === "Open", "reconnected");
    assert.deepEqual(csms.requests.map((r) => r.authorization), [basic(KEY), basic(next)]);
    assert.deepEqual(securityEvents(h), [
      "ReconfigurationOfSecurityParameters: AuthorizationKey changed",
    ]);
    await h.cp.stop();
    assertReplays(h);
    assert.ok(!JSON.stringify([...h.store.read(1)]).includes(next), "the new key is not logged");
    assertAllValid(csms.frames);
  });
});

Deno.test("SettingSystemTime: raised when the central system's time moves the clock by more than a minute", async () => {
  await using csms = await ScriptedCsms.start();
  csms.respond("BootNotification", {
    status: "Accepted",
    currentTime: "2030-01-01T00:00:00.000Z",
    interval: 300,
  });
  const h = makeChargePoint(csms.url, { callbacks: { setSystemTime: () => {} } });
  await h.cp.start();
  await csms.waitFor("SecurityEventNotification", 2);
  const types = csms.received.filter((c) => c.action === "SecurityEventNotification")
    .map((c) => (c.params as { type: string }).type);
  assert.deepEqual(types, ["StartupOfTheDevice", "SettingSystemTime"]);
  await stopped(h);
  assertAllValid(csms.frames);
});

for (
  const [what, options, eventType, alert] of [
    [
      "a central system that only speaks TLS 1.0/1.1",
      {
        tlsVersions: { minVersion: "TLSv1", maxVersion: "TLSv1.1" },
        ciphers: "DEFAULT@SECLEVEL=0",
      },
      "InvalidTLSVersion",
      /fatal alert: ProtocolVersion/,
    ],
    [
      "a central system without a cipher suite in common (TLS 1.2 CBC only)",
      { tlsVersions: { maxVersion: "TLSv1.2" }, ciphers: "ECDHE-ECDSA-AES128-SHA" },
      "InvalidTLSCipherSuite",
      /fatal alert: HandshakeFailure/,
    ],
  ] as const
) {
  Deno.test(`profile 2: ${what} fails the handshake with ${eventType}`, async () => {
    await withPki(async (pki) => {
      await using csms = await TlsCsms.start({
        tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca },
        authorizations: [basic(KEY)],
        ...options,
      });
      const h = makeChargePoint(wss(csms), {
        configuration: { SecurityProfile: "2" },
        security: { authorizationKey: KEY, certificateStore: await storeWith([pki.ca]) },
      });
      await h.cp.start();
      await until(() => securityEvents(h).length > 0, "security event");
      // Raised by the ConnectionClosed of the failed attempt, the event right after it.
      const log = [...h.store.read(1)];
      const raised = log.findIndex((e) =>
        e.type === "SecurityEventOccurred" &&
        (e.data as { eventType: string }).eventType === eventType
      );
      assert.ok(raised > 0, `${eventType} raised`);
      assert.equal(log[raised - 1].type, "ConnectionClosed");
      assert.match(securityEvents(h)[0], new RegExp(`^${eventType}: `));
      assert.match(securityEvents(h)[0], alert);
      assert.deepEqual(csms.requests, [], "no upgrade request got through");
      assert.equal(h.cp.state.link, "Disconnected");
      await stopped(h);
    });
  });
}

Deno.test("userinfo of csmsUrl: used for Basic auth, never in the log (ChargePointStarted, ConnectionOpened)", async () => {
  const password = "url-password-1234";
  await using csms = await ScriptedCsms.start({ basicAuth: { username: "CP-1", password } });
  const h = makeChargePoint(csms.url.replace("ws://", `ws://CP-1:${password}@`));
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  assert.equal(csms.requests[0]?.headers.authorization, basic(password));
  const events = [...h.store.read(1)];
  const started = events.find((e) => e.type === "ChargePointStarted")?.data as { csmsUrl: string };
  const opened = events.find((e) => e.type === "ConnectionOpened")?.data as { url: string };
  assert.equal(started.csmsUrl, csms.url);
  assert.equal(opened.url, `${csms.url}/CP-1`);
  await h.cp.stop();
  assert.ok(!JSON.stringify(events).includes(password), "no URL password in the log");
  assertReplays(h);
});
