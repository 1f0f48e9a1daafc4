/**
 * The transport port: how the charge point reaches the central system. The default runs OCPP-J
 * over our RFC 6455 client on Deno's sockets (it can send pings and sees the HTTP status of a
 * refused upgrade, which Deno's built-in `WebSocket` cannot).
 *
 * @module
 */
import { connectWebSocket, type WebSocketConnection, WebSocketError } from "./websocket_client.ts";

/** How to connect: subprotocols, handshake headers, TLS material. */
export interface TransportOptions {
  /** Subprotocols to offer, e.g. `["ocpp1.6"]`. */
  readonly protocols: readonly string[];
  /** Handshake headers, e.g. `Authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  /** PEM roots to trust for `wss:` (besides the system roots). */
  readonly caCerts?: readonly string[];
  /** PEM client certificate (TLS client authentication). */
  readonly clientCert?: string;
  /** PEM key of `clientCert`. */
  readonly clientKey?: string;
}

/** What the transport reports. Each callback of one connection is called in order; `onClose` once. */
export interface TransportHandlers {
  /** The connection is open with this subprotocol. */
  onOpen(protocol: string): void;
  /** A text message arrived. */
  onMessage(text: string): void;
  /** A pong arrived. */
  onPong(): void;
  /** The connection closed, or the attempt failed (`wasOpen` false; `httpStatus` if refused). */
  onClose(code: number, reason: string, wasOpen: boolean, httpStatus?: number): void;
}

/** One connection (or attempt). */
export interface TransportConnection {
  /** Sends a text message; throws when not open. */
  send(text: string): void;
  /** Sends a ping. */
  ping(): void;
  /** Closes (or abandons the attempt); after this no handler is called any more. */
  close(code?: number, reason?: string): void;
}

/**
 * Opens connections.
 *
 * @example
 * ```ts
 * import { webSocketTransport } from "./transport.ts";
 * const transport = webSocketTransport();
 * ```
 */
export interface Transport {
  /** Starts connecting to `url`; events arrive through `handlers`. */
  connect(url: string, options: TransportOptions, handlers: TransportHandlers): TransportConnection;
}

/**
 * The default transport: WebSocket (RFC 6455) over `Deno.connect` / `Deno.connectTls`.
 *
 * @example
 * ```ts
 * import { webSocketTransport } from "./transport.ts";
 * const t = webSocketTransport({ handshakeTimeoutMs: 10_000 });
 * ```
 */
export function webSocketTransport(options: { handshakeTimeoutMs?: number } = {}): Transport {
  return {
    connect(url, opts, handlers): TransportConnection {
      const abort = new AbortController();
      let ws: WebSocketConnection | undefined;
      let done = false;
      connectWebSocket(url, {
        protocols: [...opts.protocols],
        headers: { ...opts.headers },
        ...(opts.caCerts === undefined ? {} : { caCerts: [...opts.caCerts] }),
        ...(opts.clientCert === undefined ? {} : { clientCert: opts.clientCert }),
        ...(opts.clientKey === undefined ? {} : { clientKey: opts.clientKey }),
        handshakeTimeoutMs: options.handshakeTimeoutMs ?? 30_000,
        signal: abort.signal,
      }).then((conn) => {
        if (done) {
          conn.close(1000, "abandoned");
          return;
        }
        ws = conn;
        conn.onMessage = (text) => {
          if (!done) handlers.onMessage(text);
        };
        conn.onPong = () => {
          if (!done) handlers.onPong();
        };
        conn.onClose = (code, reason) => {
          if (done) return;
          done = true;
          handlers.onClose(code, reason, true);
        };
        handlers.onOpen(conn.protocol);
      }, (error: unknown) => {
        if (done) return;
        done = true;
        const status = error instanceof WebSocketError ? error.status : undefined;
        const message = error instanceof Error ? error.message : String(error);
        handlers.onClose(1006, message, false, status);
      });
      return {
        send(text: string): void {
          if (ws === undefined) throw new WebSocketError("NOT_OPEN", "not connected");
          ws.send(text);
        },
        ping(): void {
          ws?.ping();
        },
        close(code = 1000, reason = ""): void {
          done = true;
          abort.abort();
          ws?.close(code, reason);
        },
      };
    },
  };
}
