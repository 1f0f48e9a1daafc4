/**
 * Where the charge point keeps its certificates: the root certificates the central system
 * installs (InstallCertificate), the charge point certificate chain with its private key
 * (CertificateSigned), a new one not yet proven by a connection (security profile 3), and the
 * private key of the pending certificate signing request (SignCertificate). A plain storage
 * port: validation, hashes and TLS are done by `security/connection_security.ts` over it.
 *
 * Private keys live only here: they are never written to the event log, passed to callbacks
 * or put into error messages.
 *
 * The default is {@linkcode FileCertificateStore} (PEM files under a directory, private keys with
 * mode 0600); {@linkcode MemoryCertificateStore} is its in-memory twin for tests.
 *
 * @module
 */

/**
 * The kinds of root certificates the central system manages (`CertificateUseEnumType`).
 *
 * @example
 * ```ts
 * import type { RootCertificateType } from "./certificate_store.ts";
 * const type: RootCertificateType = "CentralSystemRootCertificate";
 * ```
 */
export type RootCertificateType = "CentralSystemRootCertificate" | "ManufacturerRootCertificate";

/**
 * The charge point certificate: the PEM chain (leaf first, then sub-CA certificates) and the
 * PEM (PKCS #8) private key of the leaf.
 *
 * @example
 * ```ts
 * import type { ChargePointCredentials } from "./certificate_store.ts";
 * const c: ChargePointCredentials = { certificateChain: "-----BEGIN CERTIFICATE-----…", privateKey: "-----BEGIN PRIVATE KEY-----…" };
 * ```
 */
export interface ChargePointCredentials {
  /** Leaf first, then the sub-CA certificates, PEM. */
  readonly certificateChain: string;
  /** PKCS #8 PEM private key of the leaf. Never logged. */
  readonly privateKey: string;
}

/**
 * Storage of certificates and keys. Every method may fail (I/O); the callers answer the central
 * system `Failed` then.
 *
 * @example
 * ```ts
 * import { type CertificateStore, MemoryCertificateStore } from "./certificate_store.ts";
 * const store: CertificateStore = new MemoryCertificateStore();
 * await store.addRoot("CentralSystemRootCertificate", "-----BEGIN CERTIFICATE-----\n…");
 * console.log((await store.roots("CentralSystemRootCertificate")).length); // 1
 * ```
 */
export interface CertificateStore {
  /** The installed root certificates of a type (PEM, one certificate each), oldest first. */
  roots(type: RootCertificateType): Promise<string[]>;
  /** Installs a root certificate (PEM); installing the same certificate again changes nothing. */
  addRoot(type: RootCertificateType, pem: string): Promise<void>;
  /** Removes a root certificate (the same PEM as `roots` gave); false when it was not there. */
  removeRoot(type: RootCertificateType, pem: string): Promise<boolean>;
  /** The charge point certificate and its key, if one is installed. */
  chargePointCredentials(): Promise<ChargePointCredentials | undefined>;
  /** Replaces the charge point certificate and its key, as one pair (never one without the other). */
  setChargePointCredentials(credentials: ChargePointCredentials): Promise<void>;
  /**
   * A new charge point certificate and key installed by CertificateSigned under security
   * profile 3, not yet used by a successful connection, if any.
   */
  newChargePointCredentials(): Promise<ChargePointCredentials | undefined>;
  /** Keeps (or, with `undefined`, forgets) the new charge point certificate and key. */
  setNewChargePointCredentials(credentials: ChargePointCredentials | undefined): Promise<void>;
  /**
   * The new charge point certificate and key replace the current ones (in one step); false when
   * there are no new ones.
   */
  commitNewChargePointCredentials(): Promise<boolean>;
  /** The private key of the last certificate signing request (PKCS #8 PEM), if any. */
  pendingKey(): Promise<string | undefined>;
  /** Keeps (or, with `undefined`, forgets) the private key of a new signing request. */
  setPendingKey(privateKey: string | undefined): Promise<void>;
}

/**
 * The certificates in memory (lost with the process): for tests and firmware that persists
 * certificates elsewhere.
 *
 * @example
 * ```ts
 * import { MemoryCertificateStore } from "./certificate_store.ts";
 * const store = new MemoryCertificateStore();
 * console.log(await store.chargePointCredentials()); // undefined
 * ```
 */
export class MemoryCertificateStore implements CertificateStore {
  #roots: Record<RootCertificateType, string[]> = {
    CentralSystemRootCertificate: [],
    ManufacturerRootCertificate: [],
  };
  #credentials: ChargePointCredentials | undefined;
  #newCredentials: ChargePointCredentials | undefined;
  #pendingKey: string | undefined;

  /** Installed roots, oldest first. */
  roots(type: RootCertificateType): Promise<string[]> {
    return Promise.resolve([...this.#roots[type]]);
  }

  /** Adds a root (once). */
  addRoot(type: RootCertificateType, pem: string): Promise<void> {
    const normalised = normalisePem(pem);
    if (!this.#roots[type].includes(normalised)) this.#roots[type].push(normalised);
    return Promise.resolve();
  }

  /** Removes a root. */
  removeRoot(type: RootCertificateType, pem: string): Promise<boolean> {
    const normalised = normalisePem(pem);
    const before = this.#roots[type].length;
    this.#roots[type] = this.#roots[type].filter((p) => p !== normalised);
    return Promise.resolve(this.#roots[type].length !== before);
  }

  /** The charge point certificate and key. */
  chargePointCredentials(): Promise<ChargePointCredentials | undefined> {
    return Promise.resolve(this.#credentials);
  }

  /** Replaces the charge point certificate and key. */
  setChargePointCredentials(credentials: ChargePointCredentials): Promise<void> {
    this.#credentials = { ...credentials };
    return Promise.resolve();
  }

  /** The new, unproven charge point certificate and key. */
  newChargePointCredentials(): Promise<ChargePointCredentials | undefined> {
    return Promise.resolve(this.#newCredentials);
  }

  /** Keeps or forgets the new charge point certificate and key. */
  setNewChargePointCredentials(credentials: ChargePointCredentials | undefined): Promise<void> {
    this.#newCredentials = credentials === undefined ? undefined : { ...credentials };
    return Promise.resolve();
  }

  /** The new certificate and key become the current ones. */
  commitNewChargePointCredentials(): Promise<boolean> {
    if (this.#newCredentials === undefined) return Promise.resolve(false);
    this.#credentials = this.#newCredentials;
    this.#newCredentials = undefined;
    return Promise.resolve(true);
  }

  /** The key of the pending signing request. */
  pendingKey(): Promise<string | undefined> {
    return Promise.resolve(this.#pendingKey);
  }

  /** Keeps or forgets the key of the pending signing request. */
  setPendingKey(privateKey: string | undefined): Promise<void> {
    this.#pendingKey = privateKey;
    return Promise.resolve();
  }
}

const ROOT_DIRS: Record<RootCertificateType, string> = {
  CentralSystemRootCertificate: "central_system_root",
  ManufacturerRootCertificate: "manufacturer_root",
};

/**
 * Certificates as PEM files under `dir`:
 *
 * ```
 * <dir>/central_system_root/<sha-256 of the PEM text>.pem
 * <dir>/manufacturer_root/<sha-256 of the PEM text>.pem
 * <dir>/charge_point/credentials.pem      mode 0600: the chain (leaf first), then its private key
 * <dir>/charge_point/new_credentials.pem  mode 0600: the same, new and not yet proven
 * <dir>/charge_point/pending_key.pem      mode 0600: key of the last signing request
 * ```
 *
 * Directories are created on the first write; a missing directory reads as empty. Files are
 * written to a temporary name (with the final mode from the start), synced, and renamed, so a
 * crash leaves the old or the new file, never a mix. A certificate and its key are one file, so
 * they are always replaced together; committing the new credentials is one rename. Roots are
 * listed by modification time (oldest first).
 *
 * @example
 * ```ts ignore
 * import { FileCertificateStore } from "./certificate_store.ts";
 * const store = new FileCertificateStore("data/CP-1-certificates");
 * console.log(await store.roots("CentralSystemRootCertificate"));
 * ```
 */
export class FileCertificateStore implements CertificateStore {
  readonly #dir: string;

  /** Keeps the files under `dir` (created when first needed). */
  constructor(dir: string) {
    this.#dir = dir.replace(/\/+$/, "");
  }

  /** The directory of the store. */
  get directory(): string {
    return this.#dir;
  }

  /** Installed roots, oldest first. */
  async roots(type: RootCertificateType): Promise<string[]> {
    const dir = `${this.#dir}/${ROOT_DIRS[type]}`;
    const files: { path: string; mtime: number; name: string }[] = [];
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (!entry.isFile || !entry.name.endsWith(".pem")) continue;
        const path = `${dir}/${entry.name}`;
        const info = await Deno.stat(path);
        files.push({ path, mtime: info.mtime?.getTime() ?? 0, name: entry.name });
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    files.sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name));
    return await Promise.all(files.map((f) => Deno.readTextFile(f.path)));
  }

  /** Writes the root (named by the hash of its text). */
  async addRoot(type: RootCertificateType, pem: string): Promise<void> {
    const normalised = normalisePem(pem);
    const dir = `${this.#dir}/${ROOT_DIRS[type]}`;
    const path = `${dir}/${await fileName(normalised)}.pem`;
    if (await exists(path)) return;
    await writeAtomically(path, normalised);
  }

  /** Deletes the root's file. */
  async removeRoot(type: RootCertificateType, pem: string): Promise<boolean> {
    const path = `${this.#dir}/${ROOT_DIRS[type]}/${await fileName(normalisePem(pem))}.pem`;
    try {
      await Deno.remove(path);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  /** Reads the charge point certificate and key. */
  async chargePointCredentials(): Promise<ChargePointCredentials | undefined> {
    return parseCredentials(await readOptional(this.#path(CREDENTIALS)));
  }

  /** Writes the certificate and key as one file. */
  async setChargePointCredentials(credentials: ChargePointCredentials): Promise<void> {
    await writeAtomically(this.#path(CREDENTIALS), credentialsText(credentials), 0o600);
  }

  /** Reads the new, unproven certificate and key. */
  async newChargePointCredentials(): Promise<ChargePointCredentials | undefined> {
    return parseCredentials(await readOptional(this.#path(NEW_CREDENTIALS)));
  }

  /** Writes or deletes the new certificate and key. */
  async setNewChargePointCredentials(
    credentials: ChargePointCredentials | undefined,
  ): Promise<void> {
    if (credentials !== undefined) {
      await writeAtomically(this.#path(NEW_CREDENTIALS), credentialsText(credentials), 0o600);
    } else await removeOptional(this.#path(NEW_CREDENTIALS));
  }

  /** Renames the new credentials file over the current one. */
  async commitNewChargePointCredentials(): Promise<boolean> {
    try {
      await Deno.rename(this.#path(NEW_CREDENTIALS), this.#path(CREDENTIALS));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  #path(name: string): string {
    return `${this.#dir}/charge_point/${name}`;
  }

  /** Reads the key of the pending signing request. */
  pendingKey(): Promise<string | undefined> {
    return readOptional(this.#path(PENDING_KEY));
  }

  /** Writes or deletes the key of the pending signing request. */
  async setPendingKey(privateKey: string | undefined): Promise<void> {
    if (privateKey !== undefined) await writeAtomically(this.#path(PENDING_KEY), privateKey, 0o600);
    else await removeOptional(this.#path(PENDING_KEY));
  }
}

const CREDENTIALS = "credentials.pem";
const NEW_CREDENTIALS = "new_credentials.pem";
const PENDING_KEY = "pending_key.pem";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/;

/** The file of a certificate chain and its key: the certificates, then the key. */
function credentialsText(credentials: ChargePointCredentials): string {
  return normalisePem(credentials.certificateChain) + normalisePem(credentials.privateKey);
}

/** Reads a credentials file; `undefined` when absent or when it lacks a certificate or key. */
function parseCredentials(text: string | undefined): ChargePointCredentials | undefined {
  if (text === undefined) return undefined;
  const certificates = [...text.matchAll(CERTIFICATE_BLOCK)].map((m) => m[0] + "\n");
  const key = KEY_BLOCK.exec(text);
  if (certificates.length === 0 || key === null) return undefined;
  return { certificateChain: certificates.join(""), privateKey: key[0] + "\n" };
}

/** The PEM text with `\n` line ends and one final newline. */
function normalisePem(pem: string): string {
  return pem.replace(/\r\n?/g, "\n").trim() + "\n";
}

async function fileName(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function removeOptional(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** Writes `text` to a temporary file (mode `mode` from its creation), syncs it, renames it. */
async function writeAtomically(path: string, text: string, mode?: number): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/"));
  await Deno.mkdir(dir, { recursive: true });
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    const file = await Deno.open(temporary, {
      write: true,
      createNew: true,
      ...(mode === undefined ? {} : { mode }),
    });
    try {
      if (mode !== undefined) await Deno.chmod(temporary, mode); // the umask may clear bits
      const bytes = new TextEncoder().encode(text);
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await removeOptional(temporary);
    throw error;
  }
}
