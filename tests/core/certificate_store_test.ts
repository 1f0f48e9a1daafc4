/**
 * The certificate stores: `FileCertificateStore` in a real temporary directory (PEM files, keys
 * with mode 0600, certificate and key written as one file, atomic writes, what a new instance
 * reads back) and its in-memory twin, both against the same contract. Certificates are made by
 * `openssl` (tests/support/tls_csms.ts).
 */
import assert from "node:assert/strict";
import {
  type CertificateStore,
  FileCertificateStore,
  MemoryCertificateStore,
} from "../../core/certificate_store.ts";
import { makePki, type TestPki } from "../support/tls_csms.ts";

/** The contract every store keeps (the file store is also checked on disk below). */
async function contract(store: CertificateStore, pki: TestPki): Promise<void> {
  assert.deepEqual(await store.roots("CentralSystemRootCertificate"), []);
  assert.equal(await store.chargePointCredentials(), undefined);
  assert.equal(await store.newChargePointCredentials(), undefined);
  assert.equal(await store.pendingKey(), undefined);

  await store.addRoot("CentralSystemRootCertificate", pki.ca);
  await store.addRoot("CentralSystemRootCertificate", pki.ca.replace(/\n/g, "\r\n")); // same
  await store.addRoot("ManufacturerRootCertificate", pki.otherCa);
  assert.deepEqual(await store.roots("CentralSystemRootCertificate"), [pki.ca]);
  assert.deepEqual(await store.roots("ManufacturerRootCertificate"), [pki.otherCa]);
  assert.equal(await store.removeRoot("ManufacturerRootCertificate", pki.otherCa), true);
  assert.equal(await store.removeRoot("ManufacturerRootCertificate", pki.otherCa), false);
  assert.deepEqual(await store.roots("ManufacturerRootCertificate"), []);

  const first = { certificateChain: pki.clientCert, privateKey: pki.clientKey };
  const second = { certificateChain: pki.serverCert + pki.ca, privateKey: pki.serverKey };
  await store.setChargePointCredentials(first);
  assert.deepEqual(await store.chargePointCredentials(), first);
  // A new certificate waits beside the current one until it is committed...
  await store.setNewChargePointCredentials(second);
  assert.deepEqual(await store.chargePointCredentials(), first);
  assert.deepEqual(await store.newChargePointCredentials(), second);
  assert.equal(await store.commitNewChargePointCredentials(), true);
  assert.deepEqual(await store.chargePointCredentials(), second);
  assert.equal(await store.newChargePointCredentials(), undefined);
  assert.equal(await store.commitNewChargePointCredentials(), false);
  // ...or is dropped.
  await store.setNewChargePointCredentials(first);
  await store.setNewChargePointCredentials(undefined);
  assert.equal(await store.newChargePointCredentials(), undefined);
  assert.deepEqual(await store.chargePointCredentials(), second);

  await store.setPendingKey(pki.clientKey);
  assert.equal(await store.pendingKey(), pki.clientKey);
  await store.setPendingKey(undefined);
  await store.setPendingKey(undefined); // forgetting twice is fine
  assert.equal(await store.pendingKey(), undefined);
}

Deno.test("MemoryCertificateStore keeps the store contract", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocpp_store_" });
  try {
    await contract(new MemoryCertificateStore(), await makePki(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Every file under `dir` (relative path → mode), recursively. */
async function files(dir: string, prefix = ""): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) Object.assign(out, await files(dir, `${path}/`));
    else out[path] = (await Deno.stat(`${dir}/${path}`)).mode! & 0o777;
  }
  return out;
}

Deno.test("FileCertificateStore: PEM files, keys 0600, certificate and key as one file, read back by a new instance", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ocpp_store_" });
  try {
    const pki = await makePki(`${tmp}`);
    const dir = `${tmp}/store`;
    const store = new FileCertificateStore(`${dir}/`);
    assert.equal(store.directory, dir);
    await contract(store, pki);

    // What the contract left, on disk: one root, the current pair, nothing temporary.
    const caName = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pki.ca))),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const onDisk = await files(dir);
    assert.deepEqual(Object.keys(onDisk).sort(), [
      `central_system_root/${caName}.pem`,
      "charge_point/credentials.pem",
    ]);
    assert.equal(onDisk["charge_point/credentials.pem"], 0o600, "the key file is 0600");
    const text = await Deno.readTextFile(`${dir}/charge_point/credentials.pem`);
    assert.equal(text, pki.serverCert + pki.ca + pki.serverKey, "chain, then key");

    await store.setNewChargePointCredentials({
      certificateChain: pki.clientCert,
      privateKey: pki.clientKey,
    });
    await store.setPendingKey(pki.serverKey);
    const modes = await files(dir);
    assert.equal(modes["charge_point/new_credentials.pem"], 0o600);
    assert.equal(modes["charge_point/pending_key.pem"], 0o600);

    // A new instance (a restart) reads the same.
    const again = new FileCertificateStore(dir);
    assert.deepEqual(await again.roots("CentralSystemRootCertificate"), [pki.ca]);
    assert.deepEqual(await again.chargePointCredentials(), {
      certificateChain: pki.serverCert + pki.ca,
      privateKey: pki.serverKey,
    });
    assert.deepEqual(await again.newChargePointCredentials(), {
      certificateChain: pki.clientCert,
      privateKey: pki.clientKey,
    });
    assert.equal(await again.pendingKey(), pki.serverKey);
    assert.ok(Object.keys(await files(dir)).every((f) => !f.endsWith(".tmp")), "no temp file");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("FileCertificateStore: a crash during a write leaves the old pair; a failed write leaves no temporary file", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ocpp_store_" });
  try {
    const pki = await makePki(tmp);
    const dir = `${tmp}/store`;
    const store = new FileCertificateStore(dir);
    const old = { certificateChain: pki.clientCert, privateKey: pki.clientKey };
    await store.setChargePointCredentials(old);
    // A crash between writing the temporary file and renaming it: half a file beside the old.
    const torn = (pki.serverCert + pki.serverKey).slice(0, 900);
    await Deno.writeTextFile(`${dir}/charge_point/credentials.pem.1234.tmp`, torn);
    await Deno.mkdir(`${dir}/central_system_root`);
    await Deno.writeTextFile(`${dir}/central_system_root/x.pem.5678.tmp`, "-----BEGIN CERT");
    const restarted = new FileCertificateStore(dir);
    assert.deepEqual(await restarted.chargePointCredentials(), old, "old certificate and key");
    assert.deepEqual(await restarted.roots("CentralSystemRootCertificate"), []);

    // A credentials file without its key is no credentials (never a certificate without key).
    await Deno.writeTextFile(`${dir}/charge_point/new_credentials.pem`, pki.serverCert);
    assert.equal(await restarted.newChargePointCredentials(), undefined);

    // A write that fails (the target is a directory) throws and removes its temporary file.
    await Deno.remove(`${dir}/charge_point/new_credentials.pem`);
    await Deno.mkdir(`${dir}/charge_point/new_credentials.pem/inside`, { recursive: true });
    await assert.rejects(restarted.setNewChargePointCredentials(old));
    const left = Object.keys(await files(`${dir}/charge_point`));
    assert.deepEqual(left.filter((f) => f.endsWith(".tmp")), ["credentials.pem.1234.tmp"]);
    assert.deepEqual(await restarted.chargePointCredentials(), old);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
