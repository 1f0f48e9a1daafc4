// Node side of the benchmark (`bench.ts`), run as a child process on 127.0.0.1 only.
//
//   node bench_node.cjs server
//     An ocpp-rpc RPCServer (protocol ocpp1.6, strictMode off, pings off) that answers every CALL
//     at once, in-process, with a valid default payload. It is the one CSMS peer of both the
//     library and the bare ocpp-rpc client. Prints {"event":"ready","port":N} on stdout, exits
//     when stdin ends or receives "stop".
//
//   node bench_node.cjs client '<json {url, identity, action, warmup, iterations}>'
//     The bare ocpp-rpc RPCClient hosted by Node (a second baseline, next to the one hosted by
//     Deno): warm-up, then `iterations` sequential CALLs, each awaited. Prints
//     {"event":"done","samplesUs":[...]} and exits.
"use strict";

const path = require("node:path");
const readline = require("node:readline");

const { RPCServer, RPCClient } = require(
  path.join(__dirname, "..", "..", "node_modules", "ocpp-rpc"),
);

function emit(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

let nextTransactionId = 1;

/** Valid OCPP 1.6 `.conf` payloads, built without any validation work. */
function answer(method) {
  switch (method) {
    case "BootNotification":
      return { status: "Accepted", currentTime: new Date().toISOString(), interval: 3600 };
    case "Heartbeat":
      return { currentTime: new Date().toISOString() };
    case "Authorize":
    case "StopTransaction":
      return { idTagInfo: { status: "Accepted" } };
    case "StartTransaction":
      return { transactionId: nextTransactionId++, idTagInfo: { status: "Accepted" } };
    case "DataTransfer":
      return { status: "Accepted" };
    default:
      return {};
  }
}

async function server() {
  const rpc = new RPCServer({
    protocols: ["ocpp1.6"],
    strictMode: false,
    pingIntervalMs: 0,
    callTimeoutMs: 30000,
  });
  rpc.on("client", (client) => {
    client.handle(({ method }) => answer(method));
  });
  const http = await rpc.listen(0, "127.0.0.1");
  emit({ event: "ready", port: http.address().port });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await rpc.close({ code: 1001, awaitPending: false, force: true }).catch(() => {});
    process.exit(0);
  };
  const rl = readline.createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    if (line.trim() === "stop") void stop();
  });
  rl.on("close", () => void stop());
}

async function client(options) {
  const cli = new RPCClient({
    endpoint: options.url,
    identity: options.identity,
    protocols: ["ocpp1.6"],
    strictMode: false,
    reconnect: false,
    pingIntervalMs: 0,
  });
  await cli.connect();
  const payload = () => ({
    type: "SettingSystemTime",
    timestamp: new Date().toISOString(),
    techInfo: "bench",
  });
  for (let i = 0; i < options.warmup; i++) await cli.call(options.action, payload());
  const samplesUs = [];
  for (let i = 0; i < options.iterations; i++) {
    const t0 = process.hrtime.bigint();
    await cli.call(options.action, payload());
    samplesUs.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  await cli.close({ code: 1000, force: true });
  emit({ event: "done", samplesUs });
  process.exit(0);
}

const mode = process.argv[2];
const run = mode === "server"
  ? server()
  : mode === "client"
  ? client(JSON.parse(process.argv[3] || "{}"))
  : Promise.reject(new Error(`unknown mode ${mode}`));
run.catch((error) => {
  process.stderr.write(`bench_node ${mode}: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
