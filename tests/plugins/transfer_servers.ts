/**
 * Real servers on 127.0.0.1 for the plugin tests, all made in the test: certificates made with
 * `openssl` into a temp dir, an HTTP/HTTPS file server (`Deno.serve`) that stores uploads,
 * serves downloads and can be told to fail, and an FTP/FTPS server (npm `ftp-srv`).
 *
 * @module
 */
import { FtpSrv } from "ftp-srv";

/** Runs `openssl` with `args` in `cwd`; throws with its stderr on failure. */
export async function openssl(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A CA and a server certificate for 127.0.0.1 signed by it (PEM). */
export interface ServerCertificates {
  /** The CA certificate: what clients trust. */
  readonly ca: string;
  /** The server certificate. */
  readonly cert: string;
  /** The server's private key. */
  readonly key: string;
}

/** Makes a CA and a TLS server certificate for IP 127.0.0.1 in `dir`. */
export async function serverCertificates(dir: string): Promise<ServerCertificates> {
  await openssl(
    dir,
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ...["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test TLS CA"],
    ...["-addext", "basicConstraints=critical,CA:TRUE"],
    ...["-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  );
  await openssl(
    dir,
    ...["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ...["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
  );
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(
    dir,
    ...["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key"],
    ...["-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"],
  );
  return {
    ca: await Deno.readTextFile(`${dir}/ca.pem`),
    cert: await Deno.readTextFile(`${dir}/server.pem`),
    key: await Deno.readTextFile(`${dir}/server.key`),
  };
}

/** A request the file server got. */
export interface FileRequest {
  /** HTTP method. */
  readonly method: string;
  /** URL path. */
  readonly path: string;
  /** The `authorization` header, if any. */
  readonly authorization: string | null;
  /** Status answered. */
  readonly status: number;
}

/**
 * An HTTP (or HTTPS, with `tls`) server on 127.0.0.1: `PUT <path>` and multipart `POST <path>`
 * (field `file`) store uploads, `GET <path>` serves `files`; `failures` are statuses answered
 * first, one per request, before behaving.
 */
export class FileServer implements AsyncDisposable {
  /** Uploaded files by path (PUT) or by `<path>/<file name>` (POST). */
  readonly uploads = new Map<string, Uint8Array>();
  /** Files served to GET, by path. */
  readonly files = new Map<string, Uint8Array>();
  /** Every request, in order. */
  readonly requests: FileRequest[] = [];
  /** Statuses to answer next, before behaving (e.g. `[500, 500]`). */
  failures: number[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #scheme: string;

  /** Starts listening on 127.0.0.1 (any free port). */
  constructor(tls?: { readonly cert: string; readonly key: string }) {
    this.#scheme = tls === undefined ? "http" : "https";
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: () => {},
      ...(tls === undefined ? {} : { cert: tls.cert, key: tls.key }),
    }, (request) => this.#handle(request));
  }

  /** `http(s)://127.0.0.1:<port>`. */
  get origin(): string {
    return `${this.#scheme}://127.0.0.1:${this.#server.addr.port}`;
  }

  async #handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const answer = (status: number, body?: BodyInit) => {
      this.requests.push({
        method: request.method,
        path,
        authorization: request.headers.get("authorization"),
        status,
      });
      return new Response(body ?? null, { status });
    };
    const failure = this.failures.shift();
    if (failure !== undefined) {
      await request.body?.cancel();
      return answer(failure, "scripted failure");
    }
    if (request.method === "PUT") {
      this.uploads.set(path, new Uint8Array(await request.arrayBuffer()));
      return answer(201);
    }
    if (request.method === "POST") {
      const form = await request.formData();
      const file = form.get("file");
      if (!(file instanceof File)) return answer(400, "no file field");
      this.uploads.set(`${path.replace(/\/?$/, "/")}${file.name}`, await file.bytes());
      return answer(201);
    }
    const file = this.files.get(path);
    if (request.method === "GET" && file !== undefined) {
      return answer(200, file as Uint8Array<ArrayBuffer>);
    }
    await request.body?.cancel();
    return answer(404);
  }

  /** Stops the server. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#server.shutdown();
  }
}

/** A logger that discards what ftp-srv logs (it wants a bunyan-like logger). */
const quiet: Record<string, unknown> = {
  child: () => quiet,
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
};

/** Finds a free TCP port on 127.0.0.1. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * An FTP server (explicit FTPS with `tls`, implicit FTPS with `tls.implicit`) on 127.0.0.1 from the
 * npm package `ftp-srv`, serving the
 * directory `root` to the user `user`/`password` (other logins: 530).
 */
export class FtpServer implements AsyncDisposable {
  /** The directory served. */
  readonly root: string;
  /** The port. */
  readonly port: number;
  /** Names of the files stored by STOR, in order. */
  readonly stored: string[] = [];
  readonly #server: FtpSrv;

  private constructor(root: string, port: number, server: FtpSrv) {
    this.root = root;
    this.port = port;
    this.#server = server;
  }

  /** Starts the server. */
  static async start(
    root: string,
    credentials: { readonly user: string; readonly password: string },
    tls?: { readonly cert: string; readonly key: string; readonly implicit?: boolean },
    options: {
      /**
       * Answer 550 ("file unavailable", as vsftpd or ProFTPD do) rather than ftp-srv's 551 when
       * RETR fails (e.g. no such file).
       */
      readonly retrFailure550?: boolean;
    } = {},
  ): Promise<FtpServer> {
    const port = freePort();
    const pasv = 40000 + Math.floor(Math.random() * 200) * 100;
    const server = new FtpSrv({
      // ftps: implicit TLS (TLS from the first byte, port-990 style); ftp: with tls: AUTH TLS.
      url: `${tls?.implicit === true ? "ftps" : "ftp"}://127.0.0.1:${port}`,
      pasv_url: "127.0.0.1",
      pasv_min: pasv,
      pasv_max: pasv + 99,
      greeting: "test FTP server",
      log: quiet,
      ...(tls === undefined ? {} : { tls: { cert: tls.cert, key: tls.key } }),
    });
    const ftp = new FtpServer(root, port, server);
    server.on("login", ({ username, password, connection }, resolve, reject) => {
      if (username !== credentials.user || password !== credentials.password) {
        reject(new Error("wrong user or password"));
        return;
      }
      connection.on("STOR", (error: unknown, name: string) => {
        if (error === null || error === undefined) ftp.stored.push(name);
      });
      if (options.retrFailure550 === true) {
        let retr = false;
        connection.on("RETR", (error: unknown) => (retr = error !== null && error !== undefined));
        const reply = connection.reply.bind(connection);
        connection.reply = (status: number | object, ...rest: unknown[]) =>
          reply(status === 551 && retr ? 550 : status, ...rest);
      }
      resolve({ root });
    });
    await server.listen();
    return ftp;
  }

  /** `ftp://` (or `ftps://`) URL of `path` with the credentials. */
  url(scheme: "ftp" | "ftps", user: string, password: string, path: string): string {
    return `${scheme}://${user}:${password}@127.0.0.1:${this.port}${path}`;
  }

  /** Stops the server. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#server.close();
  }
}
