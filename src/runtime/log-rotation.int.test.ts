/**
 * Log rotation by the container's init (native/src/logfile.c), with a real container: the process
 * writes far more than the cap, and the files left are bounded, whole-lined and end with its last lines.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCriLog, readLogBatches } from "./logs.js";
import { sh, useRuntimeFixture } from "./testing/fixture.js";
import { writeBundle } from "./runtime.js";

const fx = useRuntimeFixture();
const MIB = 1024 * 1024;

describe("container log rotation", () => {
  it("30 MiB written with max-size 1 MiB × 3 files: at most 3 files, each ≤ 1 MiB + one line, the last lines kept in order", async () => {
    const id = fx.id("logrot");
    const bundle = join(fx.work, "bundles", id);
    const dir = join(fx.work, `${id}-logs`);
    // 300 000 numbered lines of ~100 bytes (30 MiB of text with the CRI header), from a shell loop.
    const pad = "x".repeat(90);
    const script = `i=0; while [ $i -lt 300000 ]; do echo "$i ${pad}"; i=$((i+1)); done`;
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh(script) });
    mkdirSync(dir, { recursive: true });
    const c = await fx.runtime.runDetached(id, bundle, { logPath: join(dir, "container.log"), logMaxSize: MIB, logMaxFiles: 3 });
    expect(await c.wait()).toEqual({ exitCode: 0, signal: 0 });
    await c.delete();

    const files = readdirSync(dir).sort();
    expect(files).toEqual(["container.log", "container.log.1", "container.log.2"]);
    const longestLine = 40 + 6 + 1 + pad.length + 1; // header + number + space + pad + newline
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(MIB + longestLine);
    // Oldest first: .2, .1, current. Every line whole, numbers consecutive across the renames.
    const text = ["container.log.2", "container.log.1", "container.log"].map((f) => readFileSync(join(dir, f), "utf8")).join("");
    expect(text.endsWith("\n")).toBe(true);
    const numbers = parseCriLog(text).map((e) => Number(e.text.split(" ")[0]));
    // The two rotated files are full (> 1 MiB − one line each): more than 2 MiB of entries is left.
    expect(numbers.length).toBeGreaterThan((2 * (MIB - longestLine)) / longestLine);
    expect(numbers.at(-1)).toBe(299_999);
    const first = numbers[0] ?? -1;
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, k) => first + k));
  }, 120_000);

  it("a follower of a running container gets every line, in order, across ~10 rotations", async () => {
    const id = fx.id("logrotf");
    const bundle = join(fx.work, "bundles", id);
    const dir = join(fx.work, `${id}-logs`);
    mkdirSync(dir, { recursive: true });
    // 20 000 lines of ~140 bytes (2.8 MiB) in bursts of 200 with 20 ms pauses: a rotation every ~0.2 s
    // at 256 KiB, much slower than the follower's 10 ms polls (two rotations in one poll are not handled).
    const script = `i=0; while [ $i -lt 20000 ]; do echo "$i ${"y".repeat(90)}"; i=$((i+1)); [ $((i % 200)) -eq 0 ] && sleep 0.02; done; true`;
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh(script) });
    const c = await fx.runtime.runDetached(id, bundle, { logPath: join(dir, "container.log"), logMaxSize: 256 * 1024, logMaxFiles: 2 });
    let exited = false;
    const exit = c.wait().then((s) => ((exited = true), s));
    const got: number[] = [];
    for await (const batch of readLogBatches(c.logPath, { follow: true, intervalMs: 10, finished: () => exited })) {
      for (const e of batch) got.push(Number(e.text.split(" ")[0]));
    }
    expect(await exit).toEqual({ exitCode: 0, signal: 0 });
    await c.delete();
    // The log rotated many times (the oldest files are gone), yet the follower missed nothing.
    expect(readdirSync(dir).sort()).toEqual(["container.log", "container.log.1"]);
    expect(got).toEqual(Array.from({ length: 20_000 }, (_, k) => k));
  }, 120_000);

  it("refuses bad rotation options naming the option and value, leaving no state", async () => {
    const id = fx.id("logrotbad");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, command: ["true"] });
    const log = join(fx.work, `${id}.log`);
    const cases: [string[], string][] = [
      [["--log-max-size", "10x"], '--log-max-size: "10x" is not a positive size'],
      [["--log-max-size", "0"], '--log-max-size: "0" is not a positive size'],
      [["--log-max-files", "0"], '--log-max-files: "0" is not a count from 1 to 100'],
      [["--log-max-files", "3"], "need --container-log"],
    ];
    for (const [opts, message] of cases) {
      const withLog = opts[0] === "--log-max-files" && opts[1] === "3" ? [] : ["--container-log", log];
      const r = fx.spawnSyncRuntime(["run", "--bundle", bundle, ...withLog, ...opts, id]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(message);
      expect(existsSync(join(fx.stateRoot, id))).toBe(false);
    }
    // The same options, well-formed, run the container.
    expect(fx.spawnSyncRuntime(["run", "--bundle", bundle, "--container-log", log, "--log-max-size", "1k", "--log-max-files", "2", id]).status).toBe(0);
  });

  it("the container's process holds no descriptor of the log or its directory (init keeps them to itself)", async () => {
    const id = fx.id("logrotfd");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("for f in /proc/$$/fd/*; do echo \"$f $(readlink $f)\"; done") });
    const c = await fx.runtime.runDetached(id, bundle, { logPath: join(fx.work, `${id}.log`), logMaxSize: 1024, logMaxFiles: 2 });
    expect(await c.wait()).toEqual({ exitCode: 0, signal: 0 });
    const text = [join(fx.work, `${id}.log.1`), c.logPath].filter(existsSync).map((f) => readFileSync(f, "utf8")).join("");
    await c.delete();
    const fds = parseCriLog(text).map((e) => e.text);
    expect(fds.length).toBeGreaterThanOrEqual(3);
    // Only the pipes to init (and /dev/null stdin): nothing that names the host's log file or directory,
    // nor any descriptor the runtime's caller inherited (a test shell's fd 251 reached it before).
    for (const fd of fds) expect(fd).not.toContain(fx.work);
    // 0–2, and fd 3: the shell's own pipe for $(readlink …).
    expect(fds.map((fd) => Number(/\/fd\/(\d+) /.exec(fd)?.[1])).filter((n) => !(n <= 3))).toEqual([]);
    expect(fds.filter((fd) => /^\/proc\/\d+\/fd\/[12] pipe:/.test(fd))).toHaveLength(2);
  });
});
