/**
 * Redaction of the AuthorizationKey: the mask keeps every decision the fold takes (the
 * registry's validation, the OCPP schema, the frame parser), the rest of the frame is kept byte
 * for byte, and no secret survives in an export.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  maskSecretValue,
  REDACTED,
  redactFrame,
  redactSecrets,
  redactUrl,
} from "../../core/secrets.ts";
import { ChargePoint } from "../../core/charge_point.ts";
import { InvalidArgumentError } from "../../core/errors.ts";
import { ManualClock } from "../../core/clock.ts";
import { MemoryCertificateStore } from "../../core/certificate_store.ts";
import { ConnectionSecurity } from "../../core/security/connection_security.ts";
import { initialState } from "../../core/state.ts";
import { silentLogger } from "../../core/logger.ts";
import { findConfigurationKey, validateConfigurationValue } from "../../core/configuration_keys.ts";
import { DEFAULT_CONFIGURATION } from "../../core/configuration.ts";
import { parseFrame, validateCall } from "../../core/rpc_frame.ts";
import { exportJsonl } from "../../core/jsonl.ts";
import type { RecordedEvent } from "../../events/envelope.ts";

const AUTH_KEY = findConfigurationKey("AuthorizationKey")!;
const CTX = { connectors: 2, config: DEFAULT_CONFIGURATION };

function frame(value: unknown, key = "AuthorizationKey", id = "cc-1"): string {
  return JSON.stringify([2, id, "ChangeConfiguration", { key, value }]);
}

/** What the fold decides for a frame: parse result, schema result, registry validation. */
function decision(text: string): unknown {
  const parsed = parseFrame(text);
  if (parsed.kind !== "call") {
    return { kind: parsed.kind, ...("code" in parsed ? { code: parsed.code, id: parsed.id } : {}) };
  }
  const checked = validateCall(parsed.action, parsed.payload);
  if (!checked.ok) return { id: parsed.id, code: checked.code, description: checked.description };
  const payload = checked.payload as { key: string; value: string };
  const valid = validateConfigurationValue(AUTH_KEY, payload.value, CTX);
  return { id: parsed.id, valid: valid.ok, reason: valid.ok ? undefined : valid.reason };
}

Deno.test("maskSecretValue: one fixed placeholder per length class, nothing of the key's length or hex-ness, idempotent", () => {
  // Two valid keys of different lengths and kinds mask to the same text.
  const valid = ["0123456789abcdef0123456789abcdef", "a text password!", "x".repeat(40)];
  assert.deepEqual(valid.map(maskSecretValue), valid.map(() => "*".repeat(16)));
  assert.equal(maskSecretValue(""), "*");
  assert.equal(maskSecretValue("0123456789abcde"), "*");
  assert.equal(maskSecretValue("0".repeat(41)), "*".repeat(41));
  assert.equal(maskSecretValue("gG-_ é😀".repeat(80)), "*".repeat(501));
  fc.assert(fc.property(fc.string({ unit: "binary" }), (v) => {
    const m = maskSecretValue(v);
    assert.ok([1, 16, 41, 501].includes(m.length));
    assert.equal(maskSecretValue(m), m);
  }));
});

Deno.test("redactFrame: the mask keeps the decision of the fold for any value (property)", () => {
  const values = fc.oneof(
    fc.string({ unit: "binary", maxLength: 600 }),
    fc.stringMatching(/^[0-9a-fA-F]{10,45}$/),
    fc.stringMatching(/^[0-9a-fA-Z*]{14,42}$/),
  );
  fc.assert(
    fc.property(values, (v) => {
      const original = frame(v);
      const r = redactFrame(original);
      assert.deepEqual(decision(r.text), decision(original));
      assert.equal((JSON.parse(r.text) as unknown[])[3] !== undefined, true);
      assert.deepEqual(JSON.parse(r.text), [2, "cc-1", "ChangeConfiguration", {
        key: "AuthorizationKey",
        value: maskSecretValue(v),
      }]);
      assert.equal(r.secret?.value, v);
      assert.deepEqual(redactFrame(r.text).text, r.text, "idempotent");
    }),
    { numRuns: 300 },
  );
});

Deno.test("redactFrame: values of other types are replaced by a value of the same JSON type", () => {
  for (const value of [1234567890123456, [1, 2], { a: "secret" }, true, null]) {
    const original = frame(value);
    const r = redactFrame(original);
    assert.equal(r.secret, undefined, "not a usable secret");
    assert.deepEqual(decision(r.text), decision(original));
    assert.ok(!r.text.includes("1234567890123456") && !r.text.includes("secret"));
  }
  // A missing value and extra members: schema decisions are kept too.
  const extra = JSON.stringify([2, "x", "ChangeConfiguration", {
    key: "AuthorizationKey",
    value: "00112233445566778899",
    other: 1,
  }]);
  assert.deepEqual(decision(redactFrame(extra).text), decision(extra));
});

Deno.test("redactFrame: only the value token changes; the rest of the text is kept byte for byte", () => {
  const text =
    '[2 , "a-1" ,"ChangeConfiguration", { "value" : "C0FFEE00C0FFEE00zz" ,\n "key":"authorizationKEY"} ]';
  const r = redactFrame(text);
  assert.equal(
    r.text,
    '[2 , "a-1" ,"ChangeConfiguration", { "value" : "****************" ,\n "key":"authorizationKEY"} ]',
  );
  assert.deepEqual(r.secret, { key: "authorizationKEY", value: "C0FFEE00C0FFEE00zz" });
  // Escapes in the value and in the key name are understood.
  const escaped =
    '[2,"a-2","ChangeConfiguration",{"key":"Authorization\\u004bey","value":"ab\\u0063d\\"efabcdefabcd"}]';
  const e = redactFrame(escaped);
  assert.deepEqual(JSON.parse(e.text), [2, "a-2", "ChangeConfiguration", {
    key: "AuthorizationKey",
    value: maskSecretValue('abcd"efabcdefabcd'),
  }]);
  assert.equal(e.secret?.value, 'abcd"efabcdefabcd');
  // Duplicate members: every value is masked; JSON.parse keeps the last, so does the secret.
  const dup =
    '[2,"a-3","ChangeConfiguration",{"key":"AuthorizationKey","value":"1111111111111111","value":"2222222222222222x"}]';
  const d = redactFrame(dup);
  assert.ok(!d.text.includes("1111") && !d.text.includes("2222"));
  assert.equal(d.secret?.value, "2222222222222222x");
});

Deno.test("redactFrame: frames without a secret are returned as they are", () => {
  for (
    const text of [
      '[2,"1","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}]',
      '[2,"1","GetConfiguration",{"key":["AuthorizationKey"]}]',
      '[3,"1",{"status":"Accepted"}]',
      "not json at all",
      '[2,"1","DataTransfer",{"vendorId":"x","data":"\\u0041"}]',
    ]
  ) {
    const r = redactFrame(text);
    assert.equal(r.text, text);
    assert.equal(r.secret, undefined);
  }
});

Deno.test("redactFrame: a malformed frame carrying a secret is masked and decided the same", () => {
  // Not JSON: masked entirely; still a FormationViolation with id "-1".
  const broken =
    '[2,"b-1","ChangeConfiguration",{"key":"AuthorizationKey","value":"0123456789abcdef"';
  const r = redactFrame(broken);
  assert.equal(r.text, "*".repeat(broken.length));
  assert.deepEqual(decision(r.text), decision(broken));
  // Wrong arity, CALLRESULT shape, a bare object: the value is masked, the decision kept.
  for (
    const text of [
      '[2,"b-2","ChangeConfiguration",{"key":"AuthorizationKey","value":"0123456789abcdefgh"},{}]',
      '[3,"b-3",{"key":"AuthorizationKey","value":"0123456789abcdefgh"}]',
      '{"key":"AuthorizationKey","value":"0123456789abcdefgh"}',
      '["2","b-4","ChangeConfiguration",{"key":"AuthorizationKey","value":"0123456789abcdefgh"}]',
    ]
  ) {
    const m = redactFrame(text);
    assert.ok(!m.text.includes("0123456789abcdefgh"), text);
    assert.equal(m.secret, undefined, "not a ChangeConfiguration CALL: nothing to use");
    assert.deepEqual(decision(m.text), decision(text));
  }
});

Deno.test("redactSecrets: removes secrets from FrameReceived and ChargePointStarted for exportJsonl", () => {
  const secret = "00112233445566778899aabbccddeeff";
  const events: RecordedEvent[] = [
    {
      id: "01JD0000000000000000000001",
      seq: 1,
      at: "2026-01-01T00:00:00.000Z",
      type: "ChargePointStarted",
      data: { configuration: { AuthorizationKey: secret, HeartbeatInterval: "60" } },
    },
    {
      id: "01JD0000000000000000000002",
      seq: 2,
      at: "2026-01-01T00:00:01.000Z",
      type: "FrameReceived",
      data: { text: frame(secret) },
    },
    {
      id: "01JD0000000000000000000003",
      seq: 3,
      at: "2026-01-01T00:00:02.000Z",
      type: "FrameReceived",
      data: { text: '[2,"h","Heartbeat",{}]' },
    },
  ];
  const text = exportJsonl(events, redactSecrets);
  assert.ok(!text.includes(secret));
  assert.ok(text.includes('"HeartbeatInterval":"60"'));
  assert.equal(redactSecrets(events[2]!), events[2], "untouched events are the same object");
  assert.equal(REDACTED.includes("0"), false);
});

Deno.test("redactUrl: the userinfo never survives (property); URLs without one are unchanged", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("ws", "wss", "http"),
      fc.stringMatching(/^[^/?#@\s]{1,20}$/),
      fc.stringMatching(/^[^/?#\s]{1,20}$/),
      fc.webPath(),
      (scheme, user, password, path) => {
        const url = `${scheme}://${user}:${password}@csms.example.com:9000${path}`;
        const redacted = redactUrl(url);
        assert.equal(redacted, `${scheme}://csms.example.com:9000${path}`);
        assert.equal(redactUrl(redacted), redacted, "idempotent");
      },
    ),
    { numRuns: 300 },
  );
  for (const url of ["ws://127.0.0.1:9000/ocpp", "wss://h/ocpp/CP@1", "ws://h/a?b=c@d"]) {
    assert.equal(redactUrl(url), url);
  }
});

Deno.test("redactSecrets: URL userinfo of ChargePointStarted and ConnectionOpened is removed", () => {
  const base = { id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z" };
  const started = redactSecrets({
    ...base,
    type: "ChargePointStarted",
    data: { csmsUrl: "ws://CP-1:hunter2-secret@h/ocpp", configuration: {} },
  });
  const opened = redactSecrets({
    ...base,
    type: "ConnectionOpened",
    data: { url: "ws://CP-1:hunter2-secret@h/ocpp/CP-1", protocol: "ocpp1.6" },
  });
  assert.deepEqual(started.data, { csmsUrl: "ws://h/ocpp", configuration: {} });
  assert.deepEqual(opened.data, { url: "ws://h/ocpp/CP-1", protocol: "ocpp1.6" });
});

Deno.test("a csmsUrl with a password: never in an error message or value", () => {
  try {
    new ChargePoint({
      chargePointId: "CP-1",
      csmsUrl: "http://CP-1:hunter2-secret@127.0.0.1:1/ocpp",
      connectors: 1,
      bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
    });
    assert.fail("constructed");
  } catch (error) {
    assert.ok(error instanceof InvalidArgumentError);
    assert.ok(!`${error.message} ${String(error.value)}`.includes("hunter2"));
    assert.equal(error.value, "http://127.0.0.1:1/ocpp");
  }
});

Deno.test("certificate callbacks: results and errors (recorded in the log) never carry a private key, even when the store quotes it", async () => {
  /** A store whose writes fail with a message quoting the key it was given. */
  class QuotingFailingStore extends MemoryCertificateStore {
    override setPendingKey(privateKey: string | undefined): Promise<void> {
      return Promise.reject(new Error(`cannot write ${privateKey}`));
    }
    override setNewChargePointCredentials(
      credentials: { readonly privateKey: string } | undefined,
    ): Promise<void> {
      return Promise.reject(
        new Error(`cannot write ${credentials?.privateKey ?? "-----BEGIN PRIVATE KEY-----"}`),
      );
    }
  }
  const security = (store: MemoryCertificateStore) =>
    new ConnectionSecurity({
      chargePointId: "CP-1",
      csmsUrl: "wss://127.0.0.1:1/ocpp",
      material: {},
      clock: new ManualClock(),
      logger: silentLogger,
      state: initialState,
      store,
    }).callbacks();
  // What the charge point records of a failed callback is String(error).
  const recorded = (run: () => unknown) =>
    Promise.resolve().then(run).then(
      (result) => JSON.stringify(result),
      (error: unknown) => String(error),
    );

  const ok = await recorded(() =>
    security(new MemoryCertificateStore()).get("signCertificate")!({
      commonName: "SN-1",
      organization: "Acme",
    })
  );
  assert.deepEqual(Object.keys(JSON.parse(ok)), ["csr"], "the CSR only");
  const failing = security(new QuotingFailingStore());
  for (
    const [name, args] of [
      ["signCertificate", [{ commonName: "SN-1", organization: "Acme" }]],
      ["chargePointCertificateSwitched", [false]],
    ] as const
  ) {
    const text = await recorded(() => failing.get(name)!(...args));
    assert.match(text, /CertificateStoreFailure: certificate store: .* failed \(Error\)/, name);
    assert.ok(!text.includes("PRIVATE KEY"), `${name}: ${text}`);
  }
});
