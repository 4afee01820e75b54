// The shared spawner (swarm-runtime spawner): exit codes, signals, stdin, output, errors, many at once.
import { describe, expect, it } from "vitest";
import { runProcess, SpawnError } from "./spawner.js";

describe("runProcess through swarm-runtime spawner", () => {
  it("returns exit code, stdout and stderr, feeds stdin", async () => {
    expect(await runProcess("echo", ["hi", "there"])).toEqual({ code: 0, signal: null, stdout: "hi there\n", stderr: "" });
    expect(await runProcess("sh", ["-c", "cat; echo err >&2; exit 3"], { input: "from stdin\n" })).toEqual({ code: 3, signal: null, stdout: "from stdin\n", stderr: "err\n" });
    expect(await runProcess("wc", ["-c"], { input: "x".repeat(500_000) })).toMatchObject({ code: 0, stdout: "500000\n" });
    expect(await runProcess("sh", ["-c", "read x || echo eof"])).toMatchObject({ code: 0, stdout: "eof\n" }); // no input: /dev/null
  });

  it("reports a signal, and a program that cannot start as ENOENT", async () => {
    expect(await runProcess("sh", ["-c", "kill -9 $$"])).toMatchObject({ code: null, signal: "SIGKILL" });
    const err = await runProcess("/nonexistent/program", []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnError);
    expect((err as SpawnError).code).toBe("ENOENT");
  });

  it("runs many at once and answers each its own", async () => {
    const rs = await Promise.all(Array.from({ length: 100 }, (_, i) => runProcess("sh", ["-c", `echo ${String(i)}; exit ${String(i % 7)}`])));
    expect(rs.map((r) => [r.stdout, r.code])).toEqual(Array.from({ length: 100 }, (_, i) => [`${String(i)}\n`, i % 7]));
  });

  it("answers when the process exits even if a background child it started lives on with closed output", async () => {
    const t = Date.now();
    expect(await runProcess("sh", ["-c", "sleep 3 >/dev/null 2>&1 & echo started"])).toMatchObject({ code: 0, stdout: "started\n" });
    expect(Date.now() - t).toBeLessThan(2_500);
  });
});
