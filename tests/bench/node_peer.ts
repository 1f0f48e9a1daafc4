/**
 * Node child processes of the benchmark (`bench_node.cjs`): the ocpp-rpc central system both
 * clients talk to, and the Node-hosted bare ocpp-rpc client.
 *
 * @module
 */

const SCRIPT = new URL("./bench_node.cjs", import.meta.url).pathname;
const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** Reads JSON lines from a child's stdout until `accept` returns a value. */
async function firstLine<T>(
  stdout: ReadableStream<Uint8Array>,
  accept: (message: Record<string, unknown>) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    while (true) {
      const chunk = await Promise.race([reader.read(), timeout]);
      if (chunk.done) throw new Error(`${what}: the Node process ended its output early`);
      buffered += chunk.value;
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== "") {
          const value = accept(JSON.parse(line) as Record<string, unknown>);
          if (value !== undefined) return value;
        }
        newline = buffered.indexOf("\n");
      }
    }
  } finally {
    clearTimeout(timer);
    // Keep draining in the background so the child never blocks on a full pipe.
    void (async () => {
      try {
        while (!(await reader.read()).done) { /* discard */ }
      } catch { /* the child went away */ }
    })();
  }
}

/** The ocpp-rpc CSMS in a Node child process, answering every CALL at once. */
export class NodeCsms {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #stderr: Promise<string>;
  #port = 0;
  #stopped = false;

  private constructor() {
    this.#child = new Deno.Command("node", {
      args: [SCRIPT, "server"],
      cwd: REPO_ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#stderr = new Response(this.#child.stderr).text();
  }

  /** Spawns the server and resolves once it listens on 127.0.0.1. */
  static async start(): Promise<NodeCsms> {
    const csms = new NodeCsms();
    try {
      csms.#port = await firstLine(
        csms.#child.stdout,
        (m) => (m.event === "ready" ? Number(m.port) : undefined),
        15_000,
        "ocpp-rpc CSMS",
      );
    } catch (error) {
      await csms.stop();
      throw new Error(`${String(error)}\n${await csms.#stderr}`);
    }
    return csms;
  }

  /** `ws://127.0.0.1:<port>` (the identity is appended as the last path segment). */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** Pid of the Node process. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Stops the server and waits for the process to exit (killed after 5 s). Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      await this.#stdin.write(new TextEncoder().encode("stop\n"));
      await this.#stdin.close();
    } catch { /* already gone */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.#child.status.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!exited) {
      this.#child.kill("SIGKILL");
      await this.#child.status;
    }
    await this.#stderr;
  }
}

/** Options of {@linkcode runNodeClient}. */
export interface NodeClientOptions {
  /** CSMS URL (without identity). */
  readonly url: string;
  /** Identity of the client. */
  readonly identity: string;
  /** OCPP action to call. */
  readonly action: string;
  /** Unmeasured calls first. */
  readonly warmup: number;
  /** Measured calls. */
  readonly iterations: number;
}

/** Runs the bare ocpp-rpc client under Node; resolves with the round-trip times (µs). */
export async function runNodeClient(options: NodeClientOptions): Promise<number[]> {
  const child = new Deno.Command("node", {
    args: [SCRIPT, "client", JSON.stringify(options)],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    return await firstLine(
      child.stdout,
      (m) => (m.event === "done" ? (m.samplesUs as number[]) : undefined),
      60_000,
      "ocpp-rpc client under Node",
    );
  } catch (error) {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    throw new Error(`${String(error)}\n${await stderr}`);
  } finally {
    await child.status;
    await stderr;
  }
}
