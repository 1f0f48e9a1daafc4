/**
 * The one place that names third-party modules. URL importers have no import map, so every
 * `npm:` specifier (with its pinned version) lives here and library code imports from this file.
 *
 * @module
 */
export { z } from "npm:zod@4.6.7";
export { EventEmitter } from "npm:eventemitter3@5.0.4";
export { monotonicFactory } from "npm:ulid@3.0.2";
