/**
 * The one place that names third-party modules. URL importers have no import map, so every
 * `npm:` specifier (with its pinned version) lives here and library code imports from this file.
 *
 * @module
 */
export { z } from "npm:zod@4.6.7";
export { EventEmitter } from "npm:eventemitter3@5.0.4";
export { monotonicFactory } from "npm:ulid@3.0.2";

/**
 * The FTP/FTPS client (`basic-ftp`: maintained, no dependencies, explicit and implicit TLS,
 * passive mode), loaded on first use so that charge points that never transfer over FTP do not
 * load Node's `net`/`tls` layers. Used by the diagnostics upload and firmware update plugins.
 *
 * @example
 * ```ts ignore
 * const { Client } = await loadBasicFtp();
 * ```
 */
export function loadBasicFtp(): Promise<typeof import("npm:basic-ftp@6.2.6")> {
  return import("npm:basic-ftp@6.2.6");
}

/**
 * The X.509 library (`@peculiar/x509`, on WebCrypto), loaded on first use: parses certificates
 * and checks their signatures (firmware signing certificates). 1.x imports its own
 * `reflect-metadata` polyfill (2.x asks the application to).
 *
 * @example
 * ```ts ignore
 * const x509 = await loadX509();
 * const cert = new x509.X509Certificate(pem);
 * ```
 */
export function loadX509(): Promise<typeof import("npm:@peculiar/x509@1.14.3")> {
  return import("npm:@peculiar/x509@1.14.3");
}
