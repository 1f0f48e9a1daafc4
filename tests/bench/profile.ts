/**
 * A sampling CPU profile of a piece of code through `node:inspector` (V8's profiler), reduced to
 * self and inclusive time per function. Used by `bench.ts --profile` to name the hot spots of the
 * fold and the handler path.
 *
 * @module
 */
import { Session } from "node:inspector";

/** Time spent in one function. */
export interface HotSpot {
  /** `name file` (file relative to the repository when inside it). */
  readonly where: string;
  /** Share of samples where it was the running function, 0..1. */
  readonly self: number;
  /** Share of samples where it was anywhere on the stack, 0..1. */
  readonly total: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = new URL("../../", import.meta.url).href;

function label(frame: ProfileNode["callFrame"]): string {
  let url = frame.url;
  if (url.startsWith(ROOT)) url = url.slice(ROOT.length);
  const zod = url.indexOf("/zod/");
  if (zod >= 0) url = `zod:${url.slice(zod + 5)}`;
  if (frame.functionName !== "") {
    return url === "" ? frame.functionName : `${frame.functionName} ${url}`;
  }
  // Anonymous functions are told apart by their line in the transpiled JavaScript.
  return url === "" ? "(anonymous)" : `(anonymous) ${url}:${frame.lineNumber + 1} (js)`;
}

/** Runs `fn` under the profiler (sampling every `intervalUs` µs) and returns the hot spots. */
export async function profile(
  fn: () => void | Promise<void>,
  intervalUs = 200,
): Promise<HotSpot[]> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) =>
      session.post(
        method,
        params,
        (error: Error | null, result: unknown) => error ? reject(error) : resolve(result as T),
      )
    );
  try {
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: intervalUs });
    await post("Profiler.start");
    await fn();
    const { profile } = await post<{ profile: Profile }>("Profiler.stop");
    return hotSpots(profile);
  } finally {
    session.disconnect();
  }
}

function hotSpots(p: Profile): HotSpot[] {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of p.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const leaf = byId.get(p.samples[i]);
    if (leaf === undefined) continue;
    const leafName = label(leaf.callFrame);
    // Idle time and the profiler's own session traffic are not the profiled code.
    if (leafName === "(idle)" || leafName === "(program)" || leafName.includes("inspector.js")) {
      continue;
    }
    all += dt;
    self.set(leafName, (self.get(leafName) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (node === undefined) break;
      const name = label(node.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + dt);
    }
  }
  const out: HotSpot[] = [];
  for (const [where, t] of total) {
    out.push({ where, self: (self.get(where) ?? 0) / all, total: t / all });
  }
  return out;
}

/** The `n` hottest functions by self time. */
export function topSelf(spots: readonly HotSpot[], n: number): HotSpot[] {
  return [...spots].sort((a, b) => b.self - a.self).slice(0, n);
}

/** The `n` hottest functions of the repository's own code (core/, events/) by inclusive time. */
export function topOwnInclusive(spots: readonly HotSpot[], n: number): HotSpot[] {
  return [...spots]
    .filter((s) => / (core|events)\//.test(s.where))
    .sort((a, b) => b.total - a.total)
    .slice(0, n);
}
