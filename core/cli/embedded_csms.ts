/**
 * A minimal central system on 127.0.0.1 for the demo: it accepts OCPP 1.6-J connections, answers
 * the charge point's CALLs with valid defaults and can send CALLs. Not a CSMS for production.
 *
 * @module
 */

/** A CALL the embedded CSMS received. */
export interface ReceivedCall {
  /** Charge point identity (last path segment). */
  readonly identity: string;
  /** OCPP action. */
  readonly action: string;
  /** Request payload. */
  readonly payload: unknown;
}

/**
 * A loopback OCPP 1.6-J central system with default answers.
 *
 * @example
 * ```ts ignore
 * import { EmbeddedCsms } from "./embedded_csms.ts";
 * const csms = EmbeddedCsms.start();
 * console.log(csms.url); // ws://127.0.0.1:<port>/ocpp
 * await csms.stop();
 * ```
 */
export class EmbeddedCsms {
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #sockets = new Set<WebSocket>();
  readonly #pending = new Map<string, (frame: unknown[]) => void>();
  #nextTransactionId = 1;
  #nextId = 1;
  /** Every CALL received, in order. */
  readonly received: ReceivedCall[] = [];

  private constructor(port: number) {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (req) => {
      if (req.headers.get("upgrade") !== "websocket") {
        return new Response("OCPP only", { status: 400 });
      }
      const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((s) =>
        s.trim()
      );
      if (!offered.includes("ocpp1.6")) return new Response("ocpp1.6 required", { status: 400 });
      const identity = decodeURIComponent(new URL(req.url).pathname.split("/").pop() ?? "");
      const { socket, response } = Deno.upgradeWebSocket(req, { protocol: "ocpp1.6" });
      socket.onopen = () => this.#sockets.add(socket);
      socket.onclose = () => this.#sockets.delete(socket);
      socket.onmessage = (m) => this.#receive(socket, identity, String(m.data));
      return response;
    });
  }

  /** Starts listening on 127.0.0.1 (`port` 0 = any free port). */
  static start(port = 0): EmbeddedCsms {
    return new EmbeddedCsms(port);
  }

  /** URL for `csmsUrl`. */
  get url(): string {
    return `ws://127.0.0.1:${this.#server.addr.port}/ocpp`;
  }

  #receive(socket: WebSocket, identity: string, text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch (error) {
      socket.send(JSON.stringify([4, "-1", "FormationViolation", String(error), {}]));
      return;
    }
    if (!Array.isArray(frame)) return;
    if (frame[0] === 2) {
      const [, id, action, payload] = frame as [number, string, string, Record<string, unknown>];
      this.received.push({ identity, action, payload });
      socket.send(JSON.stringify([3, id, this.#answer(action)]));
    } else if (frame[0] === 3 || frame[0] === 4) {
      this.#pending.get(String(frame[1]))?.(frame);
    }
  }

  #answer(action: string): Record<string, unknown> {
    const currentTime = new Date().toISOString();
    switch (action) {
      case "BootNotification":
        return { status: "Accepted", currentTime, interval: 300 };
      case "Heartbeat":
        return { currentTime };
      case "Authorize":
        return { idTagInfo: { status: "Accepted" } };
      case "StartTransaction":
        return { transactionId: this.#nextTransactionId++, idTagInfo: { status: "Accepted" } };
      case "StopTransaction":
        return { idTagInfo: { status: "Accepted" } };
      case "DataTransfer":
        return { status: "Accepted" };
      default:
        return {};
    }
  }

  /** Sends a CALL to every connected charge point; resolves with the first answer frame. */
  call(action: string, payload: Record<string, unknown>, timeoutMs = 5000): Promise<unknown[]> {
    const id = `csms-${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${action}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, (frame) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(frame);
      });
      for (const s of this.#sockets) s.send(JSON.stringify([2, id, action, payload]));
    });
  }

  /** Closes every connection and stops listening. */
  async stop(): Promise<void> {
    for (const s of this.#sockets) s.close(1000, "csms stopping");
    await this.#server.shutdown();
  }
}
