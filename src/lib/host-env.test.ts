import { afterEach, describe, expect, it } from "vitest";
import { HOST_PATH, hostEnv } from "./host-env.js";
import { runProcess } from "./spawner.js";

describe("host helper environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("is a fixed system PATH plus SWARM_* settings, nothing else of this process", () => {
    process.env.LD_PRELOAD = "/tmp/evil.so";
    process.env.PATH = "/tmp/evil-bin:/usr/bin";
    process.env.SWARM_RUNTIME_TRACE = "1";
    expect(hostEnv()).toEqual({ PATH: HOST_PATH, LC_ALL: "C", SWARM_RUNTIME_TRACE: "1" });
  });

  it("is what a helper process sees", async () => {
    process.env.LD_PRELOAD = "";
    process.env.EVIL = "1";
    process.env.SWARM_SPAWNER = "off";
    const r = await runProcess("env", []);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").sort();
    expect(lines).toContain(`PATH=${HOST_PATH}`);
    expect(lines.filter((l) => l.startsWith("EVIL=") || l.startsWith("LD_PRELOAD="))).toEqual([]);
  });
});
