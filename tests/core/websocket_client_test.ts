import {
  basicAuthHeader,
  connectWebSocket,
  type WebSocketConnection,
  WebSocketError,
} from "../../core/websocket_client.ts";
import { InvalidArgumentError } from "../../core/errors.ts";

const HOST = "127.0.0.1";
const enc = new TextEncoder();
const dec = new TextDecoder();

function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

function assertEquals<T>(actual: T, expected: T, what = "value"): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${what}: expected ${e.slice(0, 200)}, got ${a.slice(0, 200)}`);
}

/** Resolves with `promise` or rejects after `ms`; the timer never outlives the call. */
async function within<T>(promise: Promise<T>, ms = 5000, what = "operation"): Promise<T> {
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

/** Polls `check` every 10 ms for at most 5 s. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !check();) {
    if (Date.now() - started > 5000) throw new Error(`${what}: not reached in 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<WebSocketError> {
  try {
    await within(promise, 10_000, `expecting ${code}`);
  } catch (e) {
    if (e instanceof WebSocketError && e.code === code) return e;
    throw new Error(`expected WebSocketError ${code}, got ${e}`, { cause: e });
  }
  throw new Error(`expected WebSocketError ${code}, but it resolved`);
}

/** Collects messages/pongs/closes of a connection; `next()` waits for the next message. */
function watch(ws: WebSocketConnection) {
  const messages: string[] = [];
  const pongs: Uint8Array[] = [];
  const closes: [number, string][] = [];
  let wake = () => {};
  const changed = () => new Promise<void>((resolve) => (wake = resolve));
  ws.onMessage = (text) => (messages.push(text), wake());
  ws.onPong = (payload) => (pongs.push(payload), wake());
  ws.onClose = (code, reason) => (closes.push([code, reason]), wake());
  const until = async (check: () => boolean, what: string) => {
    while (!check()) await within(changed(), 5000, what);
  };
  return { messages, pongs, closes, until };
}

interface Seen {
  path: string;
  headers: Headers;
  closes: [number, string][];
}

/** A `Deno.serve` WebSocket echo server; `respond` may refuse or customise the upgrade. */
function echoServer(
  opts: {
    protocol?: string;
    respond?: (req: Request) => Response | undefined;
    tls?: { cert: string; key: string };
  } = {},
) {
  const seen: Seen[] = [];
  const sockets: WebSocket[] = [];
  const server = Deno.serve(
    { hostname: HOST, port: 0, onListen: () => {}, ...opts.tls },
    (req) => {
      const refused = opts.respond?.(req);
      if (refused) return refused;
      const { pathname, search } = new URL(req.url);
      const record: Seen = {
        path: pathname + search,
        headers: new Headers(req.headers), // copied: unreadable once upgraded
        closes: [],
      };
      const { protocol = "ocpp1.6" } = opts;
      const { socket, response } = Deno.upgradeWebSocket(req, protocol ? { protocol } : {});
      seen.push(record);
      sockets.push(socket);
      socket.onmessage = (e) => {
        if (e.data === "close-me") socket.close(4000, "bye");
        else socket.send(e.data);
      };
      socket.onclose = (e) => record.closes.push([e.code, e.reason]);
      return response;
    },
  );
  const scheme = opts.tls ? "wss" : "ws";
  return { server, seen, url: `${scheme}://${HOST}:${server.addr.port}`, sockets };
}

Deno.test("connects with subprotocol, custom headers, path and query", async () => {
  const { server, seen, url } = echoServer();
  const ws = await connectWebSocket(`${url}/ocpp/CP-1?x=1`, {
    protocols: ["ocpp1.6"],
    headers: { Authorization: basicAuthHeader("CP-1", "sécret"), "X-Extra": "42" },
  });
  assertEquals(ws.protocol, "ocpp1.6", "protocol");
  const w = watch(ws);
  ws.send("hi");
  await w.until(() => w.messages.length === 1, "echo");
  assertEquals(seen[0].path, "/ocpp/CP-1?x=1", "path");
  assertEquals(seen[0].headers.get("authorization"), "Basic " + btoa("CP-1:s\xc3\xa9cret"));
  assertEquals(seen[0].headers.get("x-extra"), "42");
  assertEquals(seen[0].headers.get("host"), `${HOST}:${server.addr.port}`, "host");
  ws.close();
  assertEquals(await within(ws.closed), { code: 1000, reason: "" }, "closed");
  await server.shutdown();
});

Deno.test("userinfo of the URL is the Basic auth header; it never appears in an error", async () => {
  const { server, seen, url } = echoServer();
  const withUser = url.replace("ws://", "ws://CP-1:p%40ss-word@");
  const ws = await connectWebSocket(`${withUser}/ocpp/CP-1`, { protocols: ["ocpp1.6"] });
  assertEquals(seen[0].headers.get("authorization"), basicAuthHeader("CP-1", "p@ss-word"));
  ws.close();
  await within(ws.closed);
  await server.shutdown();
  for (
    const bad of [
      "ws://CP-1:p%40ss-word@[not-a-host/ocpp",
      "http://CP-1:p%40ss-word@127.0.0.1/ocpp",
    ]
  ) {
    try {
      await connectWebSocket(bad);
      throw new Error(`${bad} connected`);
    } catch (e) {
      assert(e instanceof InvalidArgumentError, `InvalidArgumentError for ${bad}: ${e}`);
      assert(!`${e.message} ${String(e.value)}`.includes("p%40ss-word"), "no password");
      assertEquals(e.value, bad.replace("CP-1:p%40ss-word@", ""), "value without userinfo");
    }
  }
});

Deno.test("echoes text messages of 0 B .. 1 MiB and multi-byte UTF-8", async () => {
  const { server, url } = echoServer();
  const ws = await connectWebSocket(`${url}/ocpp/CP-1`, { protocols: ["ocpp1.6"] });
  const w = watch(ws);
  const sizes = [0, 125, 126, 65535, 65536, 1024 * 1024];
  const texts = [...sizes.map((n) => "x".repeat(n)), "héllo € 𝄞 ✓"];
  for (const text of texts) ws.send(text);
  await w.until(() => w.messages.length === texts.length, "echoes");
  assertEquals(w.messages.map((m) => m.length), texts.map((t) => t.length), "lengths");
  assert(w.messages.every((m, i) => m === texts[i]), "content differs");
  ws.close();
  await within(ws.closed);
  await server.shutdown();
});

Deno.test("client ping gets a pong; send after close throws NOT_OPEN", async () => {
  const { server, url } = echoServer();
  const ws = await connectWebSocket(`${url}/ocpp/CP-1`, { protocols: ["ocpp1.6"] });
  const w = watch(ws);
  ws.ping(enc.encode("are you there"));
  ws.ping();
  await w.until(() => w.pongs.length === 2, "pongs");
  assertEquals(dec.decode(w.pongs[0]), "are you there", "pong payload");
  ws.close(3001, "done");
  let error: unknown;
  try {
    ws.send("late");
  } catch (e) {
    error = e;
  }
  assert(error instanceof WebSocketError && error.code === "NOT_OPEN", `got ${error}`);
  await within(ws.closed);
  await server.shutdown();
});

Deno.test("server-initiated close calls onClose once with code and reason", async () => {
  const { server, url, seen } = echoServer();
  const ws = await connectWebSocket(`${url}/ocpp/CP-1`, { protocols: ["ocpp1.6"] });
  const w = watch(ws);
  ws.send("close-me");
  assertEquals(await within(ws.closed), { code: 4000, reason: "bye" }, "closed");
  assertEquals(w.closes, [[4000, "bye"]], "onClose calls");
  ws.close(); // no-op once closed
  await eventually(() => seen[0].closes.length > 0, "server close event");
  assertEquals(seen[0].closes, [[4000, "bye"]], "server close event");
  await server.shutdown();
});

Deno.test("client close is seen by the server with code and reason", async () => {
  const { server, url, seen } = echoServer();
  const ws = await connectWebSocket(`${url}/ocpp/CP-1`, { protocols: ["ocpp1.6"] });
  const w = watch(ws);
  ws.close(1000, "going away now");
  await within(ws.closed);
  assertEquals(w.closes, [[1000, "going away now"]], "onClose calls");
  await eventually(() => seen[0].closes.length > 0, "server close event");
  assertEquals(seen[0].closes, [[1000, "going away now"]], "server saw");
  await server.shutdown();
});

Deno.test("refused upgrade exposes the HTTP status", async () => {
  const { server, url } = echoServer({
    respond: () => new Response("unauthorized", { status: 401 }),
  });
  const e = await rejectsWith(
    connectWebSocket(`${url}/ocpp/CP-1`, { protocols: ["ocpp1.6"] }),
    "HTTP_STATUS",
  );
  assertEquals(e.status, 401, "status");
  await server.shutdown();
});

Deno.test("server selecting no subprotocol is PROTOCOL_MISMATCH", async () => {
  const { server, url } = echoServer({ protocol: "" });
  await rejectsWith(
    connectWebSocket(`${url}/ocpp/CP-1`, { protocols: ["ocpp1.6"] }),
    "PROTOCOL_MISMATCH",
  );
  await server.shutdown();
});

Deno.test("closed port is CONNECT_FAILED", async () => {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const port = listener.addr.port;
  listener.close();
  await rejectsWith(connectWebSocket(`ws://${HOST}:${port}/`), "CONNECT_FAILED");
});

Deno.test("silent server is TIMEOUT, abort signal is ABORTED", async () => {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const url = `ws://${HOST}:${listener.addr.port}/ocpp/CP-1`;
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for (let i = 0; i < 2; i++) accepted.push(await listener.accept());
  })();
  const started = Date.now();
  await rejectsWith(connectWebSocket(url, { handshakeTimeoutMs: 300 }), "TIMEOUT");
  assert(Date.now() - started < 3000, "timeout not honoured");
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  await rejectsWith(connectWebSocket(url, { signal: abort.signal }), "ABORTED");
  await within(accepting);
  accepted.forEach((c) => c.close());
  listener.close();
});

// ---- Raw server: frames Deno's own server never sends (fragments, bad UTF-8, binary...) ----

async function readExact(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  for (let at = 0; at < n;) {
    const got = await conn.read(out.subarray(at));
    if (got === null) throw new Error("EOF");
    at += got;
  }
  return out;
}

function serverFrame(opcode: number, payload: Uint8Array, fin = true, masked = false): Uint8Array {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = new Uint8Array(2 + ext + (masked ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | opcode;
  head[1] = (masked ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  const view = new DataView(head.buffer);
  if (ext === 2) view.setUint16(2, len);
  if (ext === 8) view.setBigUint64(2, BigInt(len));
  const out = new Uint8Array(head.length + len);
  out.set(head);
  out.set(payload, head.length); // mask key 0 0 0 0 when masked: payload unchanged
  return out;
}

async function readClientFrame(conn: Deno.Conn): Promise<{ opcode: number; payload: Uint8Array }> {
  const [b0, b1] = await readExact(conn, 2);
  assert(b1 & 0x80, "client frame not masked");
  let len = b1 & 0x7f;
  if (len === 126) len = new DataView((await readExact(conn, 2)).buffer).getUint16(0);
  if (len === 127) len = Number(new DataView((await readExact(conn, 8)).buffer).getBigUint64(0));
  const mask = await readExact(conn, 4);
  const payload = (await readExact(conn, len)).map((b, i) => b ^ mask[i & 3]);
  return { opcode: b0 & 0x0f, payload };
}

/** Accepts one client, completes the upgrade by hand, then runs `script`. */
function rawServer(script: (conn: Deno.Conn) => Promise<void>) {
  const listener = Deno.listen({ hostname: HOST, port: 0 });
  const done = (async () => {
    const conn = await listener.accept();
    try {
      let head = "";
      while (!head.endsWith("\r\n\r\n")) head += dec.decode(await readExact(conn, 1));
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? "";
      const digest = await crypto.subtle.digest(
        "SHA-1",
        enc.encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
      );
      const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
      await conn.write(enc.encode(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n`,
      ));
      await script(conn);
    } finally {
      conn.close();
      listener.close();
    }
  })();
  return { url: `ws://${HOST}:${listener.addr.port}/ocpp/CP-1`, done };
}

Deno.test("fragments with interleaved ping, 16/64-bit lengths, server close echoed", async () => {
  const big = "y".repeat(70_000);
  const raw = rawServer(async (conn) => {
    await conn.write(serverFrame(1, enc.encode("Hel"), false));
    await conn.write(serverFrame(9, enc.encode("p1")));
    await conn.write(serverFrame(0, enc.encode("lo w"), false));
    await conn.write(serverFrame(0, enc.encode("ö"), false)); // "ö" split across frames
    await conn.write(serverFrame(0, enc.encode("rld")));
    const pong = await readClientFrame(conn);
    assertEquals([pong.opcode, dec.decode(pong.payload)], [10, "p1"], "pong");
    await conn.write(serverFrame(1, enc.encode("z".repeat(200))));
    await conn.write(serverFrame(1, enc.encode(big)));
    await conn.write(serverFrame(8, new Uint8Array([0x03, 0xe8, ...enc.encode("bye")])));
    const echo = await readClientFrame(conn);
    assertEquals([echo.opcode, [...echo.payload]], [8, [0x03, 0xe8, 98, 121, 101]], "close echo");
  });
  const ws = await connectWebSocket(raw.url, { protocols: ["ocpp1.6"] });
  const w = watch(ws);
  assertEquals(await within(ws.closed), { code: 1000, reason: "bye" }, "closed");
  await within(raw.done);
  assertEquals(w.messages.map((m) => m.length), [11, 200, 70_000], "sizes");
  assertEquals(w.messages[0], "Hello wörld", "reassembled");
  assertEquals(w.closes, [[1000, "bye"]], "onClose");
});

Deno.test("answers server pings with pongs of the same payload; the connection stays usable", async () => {
  // A central system that keeps an idle link alive by pinging (Deno.serve's idleTimeout does
  // the same, on a real-time timer): the pings are sent at once, no time needs to pass.
  const raw = rawServer(async (conn) => {
    for (const payload of ["keepalive-1", "", "keepalive-3"]) {
      await conn.write(serverFrame(9, enc.encode(payload)));
      const pong = await readClientFrame(conn);
      assertEquals([pong.opcode, dec.decode(pong.payload)], [10, payload], "pong");
    }
    await conn.write(serverFrame(1, enc.encode("still there?")));
    const text = await readClientFrame(conn);
    assertEquals([text.opcode, dec.decode(text.payload)], [1, "still here"], "answer after pings");
    await conn.write(serverFrame(8, new Uint8Array([0x03, 0xe8])));
    assertEquals((await readClientFrame(conn)).opcode, 8, "close echoed");
  });
  const ws = await connectWebSocket(raw.url, { protocols: ["ocpp1.6"] });
  const w = watch(ws);
  await w.until(() => w.messages.length === 1, "message after the pings");
  ws.send("still here");
  assertEquals(await within(ws.closed), { code: 1000, reason: "" }, "closed");
  await within(raw.done);
  assertEquals(w.messages, ["still there?"], "messages");
  assertEquals(w.closes, [[1000, ""]], "onClose: only the server's close");
  assertEquals(w.pongs, [], "server pings are not reported as pongs");
});

const violations: [string, Uint8Array[], number, number?][] = [
  ["invalid UTF-8", [serverFrame(1, new Uint8Array([0x68, 0xff, 0xfe]))], 1007],
  ["binary frame", [serverFrame(2, new Uint8Array([1, 2, 3]))], 1003],
  ["masked server frame", [serverFrame(1, enc.encode("hi"), true, true)], 1002],
  ["unexpected continuation", [serverFrame(0, enc.encode("hi"))], 1002],
  ["reserved opcode", [serverFrame(3, enc.encode("hi"))], 1002],
  ["fragmented control frame", [serverFrame(9, enc.encode("hi"), false)], 1002],
  [
    "message over maxMessageBytes (fragmented)",
    [serverFrame(1, enc.encode("a".repeat(60)), false), serverFrame(0, enc.encode("a".repeat(60)))],
    1009,
    100,
  ],
];
for (const [name, frames, code, maxMessageBytes] of violations) {
  Deno.test(`protocol violation: ${name} -> close ${code}`, async () => {
    const raw = rawServer(async (conn) => {
      for (const frame of frames) await conn.write(frame);
      const close = await readClientFrame(conn);
      assertEquals(close.opcode, 8, "opcode");
      assertEquals(new DataView(close.payload.buffer).getUint16(0), code, "sent code");
    });
    const ws = await connectWebSocket(raw.url, { protocols: ["ocpp1.6"], maxMessageBytes });
    const w = watch(ws);
    assertEquals((await within(ws.closed)).code, code, "closed code");
    await within(raw.done);
    assertEquals(w.closes.length, 1, "onClose calls");
    assertEquals(w.messages, [], "messages");
  });
}

Deno.test("unanswered close times out with 1006; dropped TCP gives 1006 once", async () => {
  const silent = rawServer(async (conn) => {
    assertEquals((await readClientFrame(conn)).opcode, 8, "close frame");
    await readExact(conn, 1).catch((e: unknown) => assertEquals(String(e), "Error: EOF"));
  });
  const ws1 = await connectWebSocket(silent.url, { protocols: ["ocpp1.6"], closeTimeoutMs: 200 });
  ws1.close();
  assertEquals(await within(ws1.closed), { code: 1006, reason: "close handshake timed out" });
  await within(silent.done);

  const dropping = rawServer(async () => {});
  const ws2 = await connectWebSocket(dropping.url, { protocols: ["ocpp1.6"] });
  const w = watch(ws2);
  assertEquals((await within(ws2.closed)).code, 1006, "dropped code");
  await within(dropping.done);
  assertEquals(w.closes.length, 1, "onClose calls");
});

// ---- TLS ----

/** Runs `openssl` with space-separated `args` (none contains a space) in `dir`. */
async function openssl(dir: string, args: string): Promise<void> {
  const command = new Deno.Command("openssl", {
    args: args.split(" "),
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  });
  const out = await command.output();
  if (!out.success) throw new Error(`openssl ${args} failed: ${dec.decode(out.stderr)}`);
}

/** A CA, a server certificate for IP 127.0.0.1 and a client certificate (CN=CP-1). */
async function makeCerts(dir: string) {
  const ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  await openssl(
    dir,
    `req -x509 ${ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=TestCA ` +
      "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
  );
  const usage = {
    server: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth",
    client: "extendedKeyUsage=clientAuth",
  };
  for (const [name, cn] of [["server", "127.0.0.1"], ["client", "CP-1"]] as const) {
    await Deno.writeTextFile(`${dir}/${name}.ext`, `basicConstraints=CA:FALSE\n${usage[name]}\n`);
    await openssl(dir, `req ${ec} -keyout ${name}.key -out ${name}.csr -subj /CN=${cn}`);
    await openssl(
      dir,
      `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -set_serial ${Date.now()} -days 2 ` +
        `-out ${name}.pem -extfile ${name}.ext`,
    );
  }
  const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
  return {
    ca: await read("ca.pem"),
    serverCert: await read("server.pem"),
    serverKey: await read("server.key"),
    clientCert: await read("client.pem"),
    clientKey: await read("client.key"),
  };
}

async function withCerts(
  fn: (certs: Awaited<ReturnType<typeof makeCerts>>, dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "ws_client_test_" });
  try {
    await fn(await makeCerts(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("wss: trusted via caCerts works; untrusted server cert is TLS_FAILED", async () => {
  await withCerts(async (certs) => {
    const { server, url, seen } = echoServer({
      tls: { cert: certs.serverCert, key: certs.serverKey },
    });
    const ws = await connectWebSocket(`${url}/ocpp/CP-1`, {
      protocols: ["ocpp1.6"],
      caCerts: [certs.ca],
    });
    const w = watch(ws);
    ws.send("over tls");
    await w.until(() => w.messages.length === 1, "tls echo");
    assertEquals(w.messages, ["over tls"], "messages");
    ws.close();
    await within(ws.closed);
    const e = await rejectsWith(connectWebSocket(`${url}/ocpp/CP-1`), "TLS_FAILED");
    assert(/certificate/i.test(e.message), e.message);
    await eventually(() => seen[0].closes.length > 0, "server close event");
    await server.shutdown();
  });
});

// ---- Node peer (ws@8 from ocpp-rpc's dependencies) ----

const NODE_PEER = `
const fs = require("fs");
const { WebSocketServer } = require("ws");
const dir = process.env.TLS_DIR;
const server = dir
  ? require("https").createServer({
    key: fs.readFileSync(dir + "/server.key"), cert: fs.readFileSync(dir + "/server.pem"),
    ca: fs.readFileSync(dir + "/ca.pem"), requestCert: true, rejectUnauthorized: true,
  })
  : require("http").createServer();
const wss = new WebSocketServer({
  server, handleProtocols: (offered) => (offered.has("ocpp1.6") ? "ocpp1.6" : false),
});
wss.on("connection", (ws, req) => {
  ws.on("message", (data) => ws.send(String(data)));
  ws.on("pong", (payload) => ws.send("pong:" + payload));
  if (dir) ws.send("cn:" + req.socket.getPeerCertificate().subject.CN);
  ws.ping("srv");
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
process.stdin.on("end", () => process.exit(0)).resume();
`;

/** Runs the Node peer until `fn` returns; its stdin closing makes it exit. */
async function withNodePeer(tlsDir: string | undefined, fn: (port: number) => Promise<void>) {
  const wsPath = new URL("../../node_modules/.deno/ws@8.23.0/node_modules", import.meta.url);
  const child = new Deno.Command("node", {
    args: ["-e", NODE_PEER],
    env: { NODE_PATH: wsPath.pathname, ...(tlsDir ? { TLS_DIR: tlsDir } : {}) },
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await within(lines.read(), 10_000, "node peer start");
      if (done) throw new Error("node peer exited");
      out += value;
    }
    await fn(Number(out.trim()));
  } finally {
    await child.stdin.close();
    while (!(await within(lines.read(), 10_000, "node peer exit")).done);
    await within(child.status, 10_000, "node peer status");
  }
}

Deno.test("interop with a Node ws server: messages and pings both ways", async () => {
  await withNodePeer(undefined, async (port) => {
    const ws = await connectWebSocket(`ws://${HOST}:${port}/ocpp/CP-1`, {
      protocols: ["ocpp1.6"],
    });
    const w = watch(ws);
    ws.send("hello node");
    ws.ping(enc.encode("cli"));
    await w.until(() => w.messages.length === 2 && w.pongs.length === 1, "node traffic");
    assertEquals(w.messages.toSorted(), ["hello node", "pong:srv"], "messages");
    assertEquals(dec.decode(w.pongs[0]), "cli", "pong");
    ws.close();
    assertEquals(await within(ws.closed), { code: 1000, reason: "" }, "closed");
  });
});

Deno.test("wss with TLS client certificate against a Node server requiring one", async () => {
  await withCerts(async (certs, dir) => {
    await withNodePeer(dir, async (port) => {
      const url = `wss://${HOST}:${port}/ocpp/CP-1`;
      const ws = await connectWebSocket(url, {
        protocols: ["ocpp1.6"],
        caCerts: [certs.ca],
        clientCert: certs.clientCert,
        clientKey: certs.clientKey,
      });
      const w = watch(ws);
      await w.until(() => w.messages.length === 2, "cn and pong");
      assertEquals(w.messages.toSorted(), ["cn:CP-1", "pong:srv"], "messages");
      ws.close();
      await within(ws.closed);
      const e = await rejectsWith(
        connectWebSocket(url, { protocols: ["ocpp1.6"], caCerts: [certs.ca] }),
        "TLS_FAILED",
      );
      assert(/CertificateRequired/.test(e.message), e.message);
    });
  });
});
