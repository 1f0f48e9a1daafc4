/**
 * Test support for the security profiles: certificates made with `openssl` in a temporary
 * directory, and a Node CSMS (`https` + `ws`, as a child process) that can require and verify
 * TLS client certificates, which `Deno.serve` cannot (deno issue 26825).
 *
 * The Node CSMS listens on one 127.0.0.1 port for both `ws:` and `wss:` (it looks at the first
 * byte: 0x16 starts a TLS handshake), so a charge point can upgrade from profile 1 to 2 and 3
 * without changing host or port. A TLS connection asks for a client certificate; with
 * `requireClientCertificate` the TLS handshake fails without a valid one (profile 3 endpoint),
 * otherwise a connection without one must send an accepted `Authorization` header (profile 2).
 * Plain connections must always send an accepted `Authorization` header when `authorizations`
 * is given.
 *
 * @module
 */

const dec = new TextDecoder();

/** Runs `openssl` with `args` in `dir`; throws with its stderr on failure. */
export async function openssl(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`openssl ${args.join(" ")} failed: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/** The certificates of one test. */
export interface TestPki {
  /** The temporary directory (removed by {@linkcode withPki}). */
  readonly dir: string;
  /** The CPO root (CA) certificate, PEM. */
  readonly ca: string;
  /** Another CA the charge point does not trust. */
  readonly otherCa: string;
  /** Server certificate for IP 127.0.0.1, signed by `ca`. */
  readonly serverCert: string;
  /** Its key. */
  readonly serverKey: string;
  /** An expired server certificate (valid 2020-01-01..02) for 127.0.0.1, signed by `ca`, same key. */
  readonly expiredServerCert: string;
  /** Server certificate for 127.0.0.1 signed by `otherCa`, same key. */
  readonly untrustedServerCert: string;
  /** Client certificate (CN=CP-1-factory, O=Acme) signed by `ca`, valid 60 days. */
  readonly clientCert: string;
  /** Its key (PKCS #8). */
  readonly clientKey: string;
  /**
   * Signs a CSR (PEM) with `ca` (or `otherCa`) for `days` days (default 90) as a client
   * certificate; the certificate PEM.
   */
  sign(csr: string, days?: number, issuer?: "ca" | "other"): Promise<string>;
}

/** Makes a {@linkcode TestPki} in a temporary directory, runs `fn`, removes the directory. */
export async function withPki(fn: (pki: TestPki) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ocpp_pki_" });
  try {
    await fn(await makePki(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Makes the certificates of a {@linkcode TestPki} in `dir` with `openssl`: CAs valid 10 years
 * (a test may move the charge point's clock a month or more ahead), leaf certificates for
 * 127.0.0.1 valid 30 days, the client certificate 60 days.
 */
export async function makePki(dir: string): Promise<TestPki> {
  const caExt = [
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ];
  await openssl(
    dir,
    "req",
    "-x509",
    ...EC,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "3650",
    "-subj",
    "/CN=Test CPO Root/O=Acme",
    ...caExt,
  );
  await openssl(
    dir,
    "req",
    "-x509",
    ...EC,
    "-keyout",
    "other.key",
    "-out",
    "other.pem",
    "-days",
    "3650",
    "-subj",
    "/CN=Other Root",
    ...caExt,
  );
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  await Deno.writeTextFile(
    `${dir}/client.ext`,
    "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
  );
  await openssl(
    dir,
    "req",
    ...EC,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1/O=Acme",
  );
  let serial = 100;
  const signWith = async (ca: string, csr: string, out: string, ext: string, days: number) => {
    await openssl(
      dir,
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-set_serial",
      String(serial++),
      "-days",
      String(days),
      "-out",
      out,
      "-extfile",
      ext,
    );
  };
  await signWith("ca", "server.csr", "server.pem", "server.ext", 30);
  await signWith("other", "server.csr", "untrusted.pem", "server.ext", 30);
  // An expired certificate: `openssl ca` takes explicit start and end dates.
  await Deno.mkdir(`${dir}/db`);
  await Deno.writeTextFile(`${dir}/db/index.txt`, "");
  await Deno.writeTextFile(`${dir}/db/serial`, "1000\n");
  await Deno.writeTextFile(
    `${dir}/ca.cnf`,
    "[ca]\ndefault_ca = test\n[test]\ndatabase = db/index.txt\nnew_certs_dir = db\nserial = db/serial\n" +
      "default_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\norganizationName = optional\n",
  );
  await openssl(
    dir,
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-cert",
    "ca.pem",
    "-keyfile",
    "ca.key",
    "-in",
    "server.csr",
    "-out",
    "expired.pem",
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20200102000000Z",
    "-extfile",
    "server.ext",
    "-notext",
  );
  await openssl(
    dir,
    "req",
    ...EC,
    "-keyout",
    "client.key",
    "-out",
    "client.csr",
    "-subj",
    "/CN=CP-1-factory/O=Acme",
  );
  await signWith("ca", "client.csr", "client.pem", "client.ext", 60);
  const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
  let n = 0;
  return {
    dir,
    ca: await read("ca.pem"),
    otherCa: await read("other.pem"),
    serverCert: await read("server.pem"),
    serverKey: await read("server.key"),
    expiredServerCert: await read("expired.pem"),
    untrustedServerCert: await read("untrusted.pem"),
    clientCert: await read("client.pem"),
    clientKey: await read("client.key"),
    async sign(csr: string, days = 90, issuer: "ca" | "other" = "ca"): Promise<string> {
      const name = `signed${n++}`;
      await Deno.writeTextFile(`${dir}/${name}.csr`, csr);
      await signWith(issuer, `${name}.csr`, `${name}.pem`, "client.ext", days);
      return await read(`${name}.pem`);
    },
  };
}

// ---- the Node CSMS ------------------------------------------------------------------------------

const NODE_CSMS = String.raw`
"use strict";
const fs = require("fs"), net = require("net"), http = require("http"), https = require("https");
// ws is a dependency of ocpp-rpc (node_modules/.deno/ws@<version>): resolved from it.
const { WebSocketServer } = require("module").createRequire(require.resolve("ocpp-rpc"))("ws");
const o = JSON.parse(process.env.CSMS_OPTIONS);
const replies = Object.assign({ SignCertificate: { status: "Accepted" },
  Authorize: { idTagInfo: { status: "Accepted" } } }, o.replies || {});
const emit = (m) => process.stdout.write(JSON.stringify(m) + "\n");
const wss = new WebSocketServer({ noServer: true,
  handleProtocols: (offered) => (offered.has("ocpp1.6") ? "ocpp1.6" : false) });
let connection = 0, nextId = 1;
const pending = new Map();
let current;
function upgrade(tls) {
  return (req, socket, head) => {
    const cert = tls ? socket.getPeerCertificate() : undefined;
    const clientCn = tls && socket.authorized && cert && cert.subject ? cert.subject.CN : undefined;
    const authorization = req.headers.authorization;
    const info = { event: "request", tls, clientCn, authorization: authorization || null };
    const basicOk = !o.authorizations || o.authorizations.includes(authorization);
    if (!clientCn && !basicOk) {
      emit({ ...info, status: 401 });
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const number = ++connection;
      current = ws;
      emit({ ...info, status: 101, connection: number });
      ws.on("message", (data) => {
        const text = String(data);
        emit({ event: "frame", dir: "fromCp", text, connection: number });
        let m; try { m = JSON.parse(text); } catch { return; }
        if (m[0] === 2) {
          const now = new Date().toISOString();
          const times = { BootNotification: { status: "Accepted", currentTime: now, interval: o.heartbeat ?? 300 },
            Heartbeat: { currentTime: now } };
          const out = JSON.stringify([3, m[1], replies[m[2]] || times[m[2]] || {}]);
          emit({ event: "frame", dir: "toCp", text: out, connection: number });
          ws.send(out);
        } else if (m[0] === 3 || m[0] === 4) {
          const p = pending.get(m[1]);
          if (p !== undefined) { pending.delete(m[1]); emit({ event: "result", id: p, message: m }); }
        }
      });
      ws.on("close", (code) => emit({ event: "close", connection: number, code }));
    });
  };
}
const tlsOptions = o.tls ? { key: o.tls.key, cert: o.tls.cert, ca: o.tls.ca, requestCert: true,
  rejectUnauthorized: !!o.requireClientCertificate,
  ...(o.tlsVersions || {}), ...(o.ciphers ? { ciphers: o.ciphers } : {}) } : undefined;
const plain = http.createServer((q, r) => { r.statusCode = 426; r.end(); });
plain.on("upgrade", upgrade(false));
const secure = tlsOptions ? https.createServer(tlsOptions, (q, r) => { r.statusCode = 426; r.end(); }) : undefined;
if (secure) {
  secure.on("upgrade", upgrade(true));
  secure.on("tlsClientError", (e) => emit({ event: "tlsError", message: String(e && e.message) }));
}
const server = net.createServer((socket) => {
  socket.once("data", (chunk) => {
    socket.pause();
    socket.unshift(chunk);
    (chunk[0] === 0x16 && secure ? secure : plain).emit("connection", socket);
    process.nextTick(() => socket.resume());
  });
  socket.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => emit({ event: "ready", port: server.address().port }));
require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const c = JSON.parse(line);
  if (c.cmd === "call") {
    const id = "csms-" + nextId++;
    pending.set(id, c.id);
    const text = JSON.stringify([2, id, c.action, c.payload]);
    emit({ event: "frame", dir: "toCp", text, connection });
    current.send(text);
  } else if (c.cmd === "close") {
    current.close(1000, "closed by test");
  } else if (c.cmd === "respond") {
    if (c.payload === null) delete replies[c.action]; else replies[c.action] = c.payload;
    emit({ event: "responded", id: c.id });
  }
}).on("close", () => process.exit(0));
`;

/** A WebSocket upgrade request the Node CSMS saw. */
export interface TlsCsmsRequest {
  /** Over TLS. */
  readonly tls: boolean;
  /** CN of a verified client certificate. */
  readonly clientCn?: string;
  /** The Authorization header, or null. */
  readonly authorization: string | null;
  /** 101 or 401. */
  readonly status: number;
}

/** A frame on the wire, named from the charge point's side. */
export interface TlsCsmsFrame {
  /** `fromCp` or `toCp`. */
  readonly dir: "fromCp" | "toCp";
  /** The text. */
  readonly text: string;
  /** 1-based connection number. */
  readonly connection: number;
}

/** Options of {@linkcode TlsCsms.start}. */
export interface TlsCsmsOptions {
  /** Serve TLS with this certificate/key, trusting `ca` for client certificates. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
  /** The TLS handshake fails without a client certificate signed by `ca` (profile 3 endpoint). */
  readonly requireClientCertificate?: boolean;
  /** Accepted `Authorization` header values (connections without a verified client certificate). */
  readonly authorizations?: readonly string[];
  /** BootNotification interval (default 300). */
  readonly heartbeat?: number;
  /** Answers to the charge point's CALLs by action (besides BootNotification and Heartbeat). */
  readonly replies?: Readonly<Record<string, unknown>>;
  /** TLS versions the server accepts (Node's `minVersion`/`maxVersion`, e.g. "TLSv1.1"). */
  readonly tlsVersions?: { readonly minVersion?: string; readonly maxVersion?: string };
  /** OpenSSL cipher list of the server (e.g. one the charge point does not support). */
  readonly ciphers?: string;
}

/**
 * The Node CSMS (see the module documentation). Stop it with `await using` or `stop()`.
 *
 * @example
 * ```ts ignore
 * await using csms = await TlsCsms.start({ tls: { cert, key, ca }, requireClientCertificate: true });
 * ```
 */
export class TlsCsms {
  /** Upgrade requests, in order. */
  readonly requests: TlsCsmsRequest[] = [];
  /** Frames, both directions. */
  readonly frames: TlsCsmsFrame[] = [];
  /** TLS handshakes that failed on the server side. */
  readonly tlsErrors: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #results = new Map<number, (message: unknown[]) => void>();
  #nextId = 1;
  #reading: Promise<void>;
  /** The port (ws: and wss:). */
  port = 0;

  private constructor(options: TlsCsmsOptions, ready: (port: number) => void) {
    this.#child = new Deno.Command("node", {
      args: ["-e", NODE_CSMS],
      // The repository root: `require.resolve("ocpp-rpc")` finds node_modules/ocpp-rpc.
      cwd: new URL("../../", import.meta.url).pathname,
      env: { CSMS_OPTIONS: JSON.stringify(options) },
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#reading = this.#read(ready);
  }

  /** Starts the Node CSMS (bounded: 10 s). */
  static async start(options: TlsCsmsOptions = {}): Promise<TlsCsms> {
    let ready: (port: number) => void = () => {};
    const started = new Promise<number>((resolve) => (ready = resolve));
    const csms = new TlsCsms(options, ready);
    csms.port = await within(started, 10_000, "node CSMS start");
    return csms;
  }

  async #read(ready: (port: number) => void): Promise<void> {
    let buffer = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = JSON.parse(line);
        if (m.event === "ready") ready(m.port);
        else if (m.event === "request") this.requests.push(m);
        else if (m.event === "frame") this.frames.push(m);
        else if (m.event === "tlsError") this.tlsErrors.push(m.message);
        else if (m.event === "result") this.#results.get(m.id)?.(m.message);
        else if (m.event === "responded") this.#results.get(m.id)?.([]);
      }
    }
  }

  /** `ws://127.0.0.1:<port>/ocpp`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/ocpp`;
  }

  /** Sends a CALL to the charge point; the CALLRESULT payload (bounded: 10 s). */
  async call(action: string, payload: unknown): Promise<unknown> {
    const id = this.#nextId++;
    const answer = new Promise<unknown[]>((resolve) => this.#results.set(id, resolve));
    await this.#writer.write(
      new TextEncoder().encode(JSON.stringify({ cmd: "call", id, action, payload }) + "\n"),
    );
    const message = await within(answer, 10_000, `${action} answer`);
    if (message[0] !== 3) throw new Error(`${action}: CALLERROR ${JSON.stringify(message)}`);
    return message[2];
  }

  /** From now on answers the charge point's `action` CALLs with `payload` (`null`: the default). */
  async respond(action: string, payload: unknown): Promise<void> {
    const id = this.#nextId++;
    const done = new Promise<unknown[]>((resolve) => this.#results.set(id, resolve));
    await this.#writer.write(
      new TextEncoder().encode(JSON.stringify({ cmd: "respond", id, action, payload }) + "\n"),
    );
    await within(done, 10_000, `respond ${action}`);
  }

  /** CALLs of `action` the charge point sent. */
  calls(action: string): unknown[] {
    return this.frames.filter((f) => f.dir === "fromCp").map((f) => JSON.parse(f.text))
      .filter((m) => m[0] === 2 && m[2] === action).map((m) => m[3]);
  }

  /** Stops the process (closing its stdin) and waits for it (bounded). */
  async stop(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await within(this.#child.status, 10_000, "node CSMS exit");
    await within(this.#reading, 10_000, "node CSMS output");
  }

  /** For `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Resolves with `promise` or rejects after `ms`; the timer never outlives the call. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
