/**
 * The `statusWebhook` plugin, the example of the plugin guide (`PLUGINS.md`): every
 * StatusNotification the charge point sends is POSTed as JSON to a webhook, in order.
 *
 * @module
 */
import type { Plugin } from "../core/plugin.ts";

/**
 * POSTs `{ chargePointId, ...StatusNotification payload }` to `url` for every StatusNotification
 * sent; `client` is e.g. a `Deno.createHttpClient({ caCerts })` for a private CA. A post that fails
 * (no answer, or an answer that is not 2xx) is logged as a warning.
 *
 * @example
 * ```ts
 * import { statusWebhook } from "./status_webhook.ts";
 * const plugin = statusWebhook("http://127.0.0.1:8080/status");
 * console.log(plugin.name); // "status-webhook"
 * ```
 */
export function statusWebhook(url: string, client?: Deno.HttpClient): Plugin {
  return {
    name: "status-webhook",
    setup(ctx) {
      let last = Promise.resolve(); // posts go out one after the other, in order
      const post = (body: unknown) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
          ...(client === undefined ? {} : { client }),
        }).then(async (response) => {
          await response.body?.cancel();
          if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
        });
      const stop = ctx.subscribe((_event, { frames }) => {
        for (const frame of frames) {
          const [type, , action, payload] = JSON.parse(frame) as [number, string, string, object];
          if (type !== 2 || action !== "StatusNotification") continue;
          last = last.then(() => post({ chargePointId: ctx.chargePointId, ...payload }))
            .catch((error) => ctx.logger.warn(`status webhook: ${error}`));
        }
      });
      return { [Symbol.asyncDispose]: () => (stop(), last) };
    },
  };
}
