/**
 * X.509 work of the certificate management, on WebCrypto and `@peculiar/x509` (loaded on first
 * use, see `deps.ts`): PEM parsing, the certificate hash data of the whitepaper (edition 3: as in
 * an OCSP CertID, RFC 6960), chain verification against installed roots, and certificate signing
 * requests (RFC 2986) with a fresh ECDSA P-256 key.
 *
 * Shell-side code (asynchronous); the fold never calls it.
 *
 * @module
 */
import { loadX509 } from "../deps.ts";

type X509 = Awaited<ReturnType<typeof loadX509>>;
type Certificate = InstanceType<X509["X509Certificate"]>;

/**
 * Hash data identifying a certificate (`CertificateHashDataType`): hashes in upper-case hex.
 *
 * @example
 * ```ts
 * import type { HashData } from "./x509.ts";
 * const h: HashData = { hashAlgorithm: "SHA256", issuerNameHash: "AB", issuerKeyHash: "CD", serialNumber: "1000" };
 * ```
 */
export interface HashData {
  /** SHA256, SHA384 or SHA512. */
  readonly hashAlgorithm: "SHA256" | "SHA384" | "SHA512";
  /** Hash of the DER encoding of the issuer's name. */
  readonly issuerNameHash: string;
  /** Hash of the issuer's public key (the BIT STRING value of its subjectPublicKey). */
  readonly issuerKeyHash: string;
  /** Serial number in hex, without leading zeroes. */
  readonly serialNumber: string;
}

/**
 * What the certificate management needs to know about a certificate.
 *
 * @example
 * ```ts ignore
 * const info = await certificateInfo(pem);
 * console.log(info.subject, info.notAfter);
 * ```
 */
export interface CertificateInfo {
  /** Subject DN as text, e.g. `CN=SN-1, O=Acme`. */
  readonly subject: string;
  /** Common name of the subject, if any. */
  readonly commonName?: string;
  /** Organization of the subject, if any. */
  readonly organization?: string;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** basicConstraints cA. */
  readonly isCa: boolean;
  /** Subject and issuer are the same name. */
  readonly selfIssued: boolean;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The PEM certificate blocks of a text, in order.
 *
 * @example
 * ```ts
 * import { splitPem } from "./x509.ts";
 * console.log(splitPem("junk").length); // 0
 * ```
 */
export function splitPem(text: string): string[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => m[0] + "\n");
}

/** Parses one PEM certificate; throws on anything else. */
async function parse(pem: string): Promise<Certificate> {
  const x509 = await loadX509();
  return new x509.X509Certificate(pem);
}

/**
 * Reads the fields the certificate management uses; throws when `pem` is not a certificate.
 *
 * @example
 * ```ts ignore
 * const info = await certificateInfo(pem);
 * ```
 */
export async function certificateInfo(pem: string): Promise<CertificateInfo> {
  const x509 = await loadX509();
  const cert = await parse(pem);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const first = (type: string) => cert.subjectName.getField(type)[0];
  return {
    subject: cert.subject,
    ...defined("commonName", first("CN")),
    ...defined("organization", first("O")),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCa: basic?.ca === true,
    selfIssued: equalBytes(cert.subjectName.toArrayBuffer(), cert.issuerName.toArrayBuffer()),
  };
}

/**
 * The hash data of `pem` (whose issuer is `issuerPem`; a self-issued certificate is its own
 * issuer): the hash of the issuer name's DER, of the issuer's subjectPublicKey bits, and the
 * serial in hex without leading zeroes (upper case, as the whitepaper's example).
 *
 * @example
 * ```ts ignore
 * const h = await hashData(rootPem, rootPem, "SHA256");
 * ```
 */
export async function hashData(
  pem: string,
  issuerPem: string,
  algorithm: HashData["hashAlgorithm"] = "SHA256",
): Promise<HashData> {
  const cert = await parse(pem);
  const issuer = await parse(issuerPem);
  const digest = { SHA256: "SHA-256", SHA384: "SHA-384", SHA512: "SHA-512" }[algorithm];
  const hash = async (bytes: ArrayBuffer | Uint8Array) =>
    toHex(new Uint8Array(await crypto.subtle.digest(digest, asBuffer(bytes))));
  return {
    hashAlgorithm: algorithm,
    issuerNameHash: await hash(cert.issuerName.toArrayBuffer()),
    issuerKeyHash: await hash(subjectPublicKeyBits(new Uint8Array(issuer.publicKey.rawData))),
    serialNumber: cert.serialNumber.replace(/^0+(?=.)/, "").toUpperCase(),
  };
}

/**
 * The issuer of `pem` among `candidates` (a certificate whose subject is `pem`'s issuer and whose
 * key verifies `pem`'s signature), or `pem` itself when it is self-issued, else `undefined`.
 *
 * @example
 * ```ts ignore
 * const issuer = await findIssuer(leafPem, [subCaPem, rootPem]);
 * ```
 */
export async function findIssuer(
  pem: string,
  candidates: readonly string[],
): Promise<string | undefined> {
  const cert = await parse(pem);
  for (const candidate of [pem, ...candidates]) {
    const issuer = await parse(candidate);
    if (!equalBytes(issuer.subjectName.toArrayBuffer(), cert.issuerName.toArrayBuffer())) continue;
    if (await verifies(cert, issuer)) return candidate;
  }
  return undefined;
}

async function verifies(cert: Certificate, issuer: Certificate): Promise<boolean> {
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch (_unsupported) {
    return false; // an algorithm WebCrypto does not have cannot be verified
  }
}

/**
 * Verifies a chain (`chain[0]` the leaf, then sub-CAs) up to one of `roots` at time `now`: every
 * signature, every validity period, sub-CAs and the root are CA certificates. Returns why it
 * fails, or `undefined`.
 *
 * @example
 * ```ts ignore
 * const problem = await verifyChain([leafPem], [rootPem], new Date());
 * ```
 */
export async function verifyChain(
  chain: readonly string[],
  roots: readonly string[],
  now: Date,
): Promise<string | undefined> {
  if (chain.length === 0) return "no certificate";
  let current = chain[0];
  const pool = [...chain.slice(1), ...roots];
  for (let depth = 0; depth < 8; depth++) {
    const info = await certificateInfo(current);
    if (info.notAfter.getTime() < now.getTime()) {
      return `${info.subject} expired ${iso(info.notAfter)}`;
    }
    if (depth > 0 && !info.isCa) return `${info.subject} is not a CA certificate`;
    if (roots.includes(current)) return undefined;
    const issuer = await findIssuer(current, pool.filter((p) => p !== current));
    if (issuer === undefined || issuer === current) {
      return `${info.subject} is not signed by an installed CentralSystemRootCertificate`;
    }
    current = issuer;
  }
  return "certificate chain too long";
}

/**
 * Whether `privateKeyPem` (PKCS #8) is the key of `pem`'s public key: a signature made with it
 * verifies with the certificate's key.
 *
 * @example
 * ```ts ignore
 * console.log(await keyMatches(leafPem, pendingKeyPem));
 * ```
 */
export async function keyMatches(pem: string, privateKeyPem: string): Promise<boolean> {
  const cert = await parse(pem);
  const algorithm = cert.publicKey.algorithm as EcKeyAlgorithm | RsaHashedKeyAlgorithm;
  try {
    const params = algorithm.name === "ECDSA"
      ? { name: "ECDSA", namedCurve: (algorithm as EcKeyAlgorithm).namedCurve }
      : { name: algorithm.name, hash: "SHA-256" };
    const key = await crypto.subtle.importKey("pkcs8", pemBody(privateKeyPem), params, false, [
      "sign",
    ]);
    const publicKey = await cert.publicKey.export(params, ["verify"]);
    const data = crypto.getRandomValues(new Uint8Array(32));
    const sign = algorithm.name === "ECDSA"
      ? { name: "ECDSA", hash: "SHA-256" }
      : algorithm.name === "RSA-PSS"
      ? { name: "RSA-PSS", saltLength: 32 }
      : { name: algorithm.name };
    const signature = await crypto.subtle.sign(sign, key, data);
    return await crypto.subtle.verify(sign, publicKey, signature, data);
  } catch (_mismatch) {
    return false;
  }
}

/**
 * A certificate signing request (RFC 2986, PEM) for `CN=commonName, O=organization` with a new
 * ECDSA P-256 key pair (A00.FR.503: at least 224 bits), signed with SHA-256. The private key is
 * returned as PKCS #8 PEM for the certificate store; it never leaves the charge point.
 *
 * @example
 * ```ts ignore
 * const { csr, privateKey } = await createCsr({ commonName: "SN-1", organization: "Acme" });
 * ```
 */
export async function createCsr(
  subject: { readonly commonName: string; readonly organization: string },
): Promise<{ csr: string; privateKey: string }> {
  const x509 = await loadX509();
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  // JSON form: no escaping issues with commas or `=` in the CPO name.
  const name = new x509.Name([{ CN: [subject.commonName] }, { O: [subject.organization] }]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
    ],
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { csr: csr.toString("pem"), privateKey: toPem("PRIVATE KEY", pkcs8) };
}

// ---- helpers ----------------------------------------------------------------------------------

/** The value of the subjectPublicKey BIT STRING of a DER SubjectPublicKeyInfo (unused-bits byte dropped). */
function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const outer = readTlv(spki, 0); // SEQUENCE
  const algorithm = readTlv(spki, outer.contentStart); // AlgorithmIdentifier
  const bits = readTlv(spki, algorithm.end); // BIT STRING
  if (bits.tag !== 0x03) throw new Error("SubjectPublicKeyInfo without a BIT STRING");
  return spki.subarray(bits.contentStart + 1, bits.end);
}

function readTlv(der: Uint8Array, at: number): { tag: number; contentStart: number; end: number } {
  const tag = der[at];
  let length = der[at + 1];
  let contentStart = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[at + 2 + i];
    contentStart += count;
  }
  return { tag, contentStart, end: contentStart + length };
}

function pemBody(pem: string): ArrayBuffer {
  const base64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return asBuffer(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

function toPem(label: string, der: Uint8Array): string {
  let binary = "";
  for (const b of der) binary += String.fromCharCode(b);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

function asBuffer(bytes: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function equalBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a), y = new Uint8Array(b);
  return x.every((v, i) => v === y[i]);
}

function iso(date: Date): string {
  return date.toISOString();
}

function defined<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
