/**
 * The two commands of the README as a user runs them: `deno task demo` (a real process, its own
 * embedded central system on 127.0.0.1, a SQLite log in a temporary data directory) and
 * `deno task replay` of the `.sqlite` log and of its `.jsonl` export.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const CONFIG = `${ROOT}deno.json`;
const decoder = new TextDecoder();

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `deno run --allow-all <script> ...args` in `cwd`; killed if it has not ended in 60 s. */
async function run(script: string, args: readonly string[], cwd: string): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", CONFIG, `${ROOT}${script}`, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** The index of the first line after `from` that matches `pattern`; fails when there is none. */
function lineAfter(lines: readonly string[], from: number, pattern: RegExp, what: string): number {
  const index = lines.findIndex((line, i) => i > from && pattern.test(line));
  assert.ok(index > from, `${what}: no line matching ${pattern} after line ${from}`);
  return index;
}

Deno.test("demo: a whole charging session ends by itself; replay of the .sqlite and the .jsonl prints the same timeline", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ocpp16-cli-" });
  try {
    const dir = `${cwd}/demo-data`;
    // What an earlier run left is replaced; other files in the directory are kept.
    await Deno.mkdir(dir);
    await Deno.writeTextFile(`${dir}/CP-DEMO.sqlite`, "left by an earlier run");
    await Deno.writeTextFile(`${dir}/keep.txt`, "not the demo's");

    const demo = await run("core/cli/demo.ts", ["--data-dir", dir], cwd);
    assert.equal(demo.code, 0, `demo failed:\n${demo.stderr}`);
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(cwd))).map((e) => e.name),
      ["demo-data"],
      "nothing written outside the data directory",
    );
    const files = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    for (const name of ["CP-DEMO.sqlite", "CP-DEMO.jsonl", "security.log", "keep.txt"]) {
      assert.ok(files.includes(name), `${name} in ${files.join(", ")}`);
    }

    // The timeline of the session, in order: each step shows its event and what it sent.
    const lines = demo.stdout.split("\n");
    const steps: [RegExp, string][] = [
      [/ ChargePointStarted /, "start"],
      [/→ \[2,"[^"]+","BootNotification"/, "BootNotification"],
      [/ SessionStarted .*"connector":1/, "plug in"],
      [/connector 1: Available → Preparing/, "Preparing"],
      [/ AuthorizeRequested .*TAG-0001/, "authorize"],
      [/→ \[2,"[^"]+","Authorize",\{"idTag":"TAG-0001"\}\]/, "Authorize.req"],
      [/← \[3,"[^"]+",\{"idTagInfo":\{"status":"Accepted"\}\}\]/, "Authorize.conf"],
      [/ TransactionStarted /, "transaction started"],
      [/→ \[2,"[^"]+","StartTransaction"/, "StartTransaction"],
      [/connector 1: Preparing → Charging/, "charging"],
      [/ TimerFired .*"sample:1"/, "sample timer"],
      [/→ \[2,"[^"]+","MeterValues",\{"connectorId":1,"transactionId":1/, "MeterValues"],
      [/ ChargingSuspendedByEv /, "suspend"],
      [/connector 1: Charging → SuspendedEV/, "SuspendedEV"],
      [/ ChargingResumed /, "resume"],
      [/ ErrorRaised .*HighTemperature/, "fault"],
      [/connector 1: Charging → Faulted/, "Faulted"],
      [/ ErrorCleared /, "clear"],
      [/connector 1: Faulted → Charging/, "fault cleared"],
      [/ TransactionStopped /, "transaction stopped"],
      [/connector 1: Charging → Finishing/, "Finishing"],
      [/ SessionStopped /, "unplug"],
      [/connector 1: Finishing → Available/, "Available again"],
      // Frames go one at a time, each once the previous one is answered.
      [/→ \[2,"[^"]+","StopTransaction",.*"transactionId":1/, "StopTransaction"],
      [/→ \[2,"[^"]+","StatusNotification",.*"status":"Available"/, "Available sent"],
      [/ ChargePointStopped /, "stop"],
      [/^\d+ events, \d+ frames sent$/, "summary"],
      [/^connector 1: Available$/, "final state"],
    ];
    let at = -1;
    for (const [pattern, what] of steps) at = lineAfter(lines, at, pattern, what);
    assert.match(
      demo.stdout,
      /→ \[2,"[^"]+","StatusNotification",\{"connectorId":1,"errorCode":"HighTemperature","status":"Faulted"/,
    );
    assert.match(demo.stdout, /Replay it with: deno task replay .*CP-DEMO\.sqlite/);

    // The replay prints exactly the report the demo printed, from either file, with no network.
    const report = demo.stdout.slice(
      demo.stdout.indexOf("#   1 "),
      demo.stdout.indexOf("\nThe log: "),
    );
    assert.ok(report.length > 1000, "the demo printed a report");
    for (const file of ["CP-DEMO.sqlite", "CP-DEMO.jsonl"]) {
      const replayed = await run("core/cli/replay.ts", [`${dir}/${file}`], cwd);
      assert.equal(replayed.code, 0, `replay ${file} failed:\n${replayed.stderr}`);
      assert.equal(replayed.stdout, report, `replay of ${file} prints the demo's timeline`);
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("replay: a missing, unreadable or foreign file is an error with exit code 1, creating nothing", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ocpp16-cli-" });
  try {
    const missing = await run("core/cli/replay.ts", [`${cwd}/missing.sqlite`], cwd);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, "");
    assert.match(missing.stderr, /replay: cannot read .*missing\.sqlite: no such file/);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(cwd)), [], "no empty database created");

    const missingJsonl = await run("core/cli/replay.ts", [`${cwd}/missing.jsonl`], cwd);
    assert.equal(missingJsonl.code, 1);
    assert.match(missingJsonl.stderr, /missing\.jsonl: no such file/);

    await Deno.writeTextFile(`${cwd}/notes.sqlite`, "not a database ".repeat(100));
    const foreign = await run("core/cli/replay.ts", [`${cwd}/notes.sqlite`], cwd);
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /notes\.sqlite as an event store: file is not a database/);

    await Deno.writeTextFile(`${cwd}/broken.jsonl`, '{"id":"x"}\n');
    const broken = await run("core/cli/replay.ts", [`${cwd}/broken.jsonl`], cwd);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /replay: cannot read .*broken\.jsonl: /);

    await Deno.mkdir(`${cwd}/a-directory`);
    const directory = await run("core/cli/replay.ts", [`${cwd}/a-directory`], cwd);
    assert.equal(directory.code, 1);
    assert.match(directory.stderr, /a-directory is not a file/);

    const usage = await run("core/cli/replay.ts", [], cwd);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: deno task replay <log\.sqlite \| log\.jsonl>/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
