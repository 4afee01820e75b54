// Integration tests of swarm-runtime (root): bad input — malformed, mangled and impossible bundles are
// refused with a message naming the field, leaving no state or cgroup — and the CLI's stdio files, pid
// file, --no-init and option checks. Isolation: isolation.int.test.ts; lifecycle: lifecycle.int.test.ts.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RuntimeCommandError, RuntimeErrorCode } from "./errors.js";
import { sh, useRuntimeFixture } from "./testing/fixture.js";
import { createContainer } from "./testing/verbs.js";
import { writeBundle } from "./runtime.js";

const fx = useRuntimeFixture();

describe("bad input", () => {
  async function createFails(label: string, config: string | null, mutate?: (dir: string) => void): Promise<RuntimeCommandError> {
    const id = fx.id(label);
    const bundle = join(fx.work, "bundles", id);
    mkdirSync(bundle, { recursive: true });
    if (config !== null) writeFileSync(join(bundle, "config.json"), config);
    mutate?.(bundle);
    const err = await createContainer(fx.runtime, id, bundle).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RuntimeCommandError);
    // nothing half-made: no state, no cgroup
    expect(existsSync(join(fx.stateRoot, id))).toBe(false);
    expect(existsSync(`/sys/fs/cgroup/pids/swarm/${id}`)).toBe(false);
    return err as RuntimeCommandError;
  }

  const good = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify({ ociVersion: "1.0.2", process: { args: ["true"], cwd: "/" }, root: { path: "rootfs" }, linux: { namespaces: [{ type: "mount" }, { type: "pid" }] } })) as Record<string, unknown>;

  it("reports malformed config.json with its position", async () => {
    const err = await createFails("badjson", '{"ociVersion": "1.0.2", "process": {"args": ["true",]}}');
    expect(err.exitCode).not.toBe(0);
    expect(err.message).toMatch(/config\.json: invalid JSON at line 1 column \d+/);
  });

  it("reports a missing rootfs", async () => {
    const err = await createFails("norootfs", JSON.stringify(good()));
    expect(err.message).toMatch(/root\.path: rootfs "rootfs" .* is not usable: No such file or directory/);
  });

  it("reports an unknown namespace type", async () => {
    const cfg = good();
    cfg.linux = { namespaces: [{ type: "mount" }, { type: "bogus" }] };
    const err = await createFails("badns", JSON.stringify(cfg), (dir) => mkdirSync(join(dir, "rootfs")));
    expect(err.message).toContain('linux.namespaces[1].type: unknown namespace type "bogus"');
  });

  it("reports a wrongly typed field by name", async () => {
    const cfg = good();
    cfg.process = { args: "true", cwd: "/" };
    const err = await createFails("badtype", JSON.stringify(cfg), (dir) => mkdirSync(join(dir, "rootfs")));
    expect(err.message).toContain("process.args: expected array, got string");
  });

  it("never crashes on mangled config.json (seeded mutations): exit 1 with a message, or a valid container", async () => {
    const seed = Number(process.env.SEED ?? "20261123");
    let state = seed >>> 0;
    const rand = (n: number): number => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state % n;
    };
    const id0 = fx.id("fuzz");
    const bundle = join(fx.work, "bundles", id0);
    const valid = JSON.stringify(await writeBundle(bundle, { rootfs: fx.rootfs, command: ["true"] }));
    const specials = ["[".repeat(5000), '{"ociVersion":"1.0.2","process":{"args":["\\u0000"]}}', "1e99999", '"\\ud800"', "", "null", "{}"];
    const outcomes = { rejected: 0, created: 0 };
    for (let i = 0; i < 120; i++) {
      let text: string;
      if (i < specials.length) text = specials[i] ?? "";
      else if (i % 3 === 0) text = valid.slice(0, rand(valid.length));
      else {
        const chars = [...valid];
        for (let k = 0; k < 1 + rand(4); k++) chars[rand(chars.length)] = String.fromCharCode(32 + rand(95));
        text = chars.join("");
      }
      writeFileSync(join(bundle, "config.json"), text);
      const id = `${id0}-${String(i)}`;
      const r = fx.spawnSyncRuntime(["create", "--bundle", bundle, "--container-log", join(bundle, "log"), id]);
      expect(r.status, `seed ${String(seed)} case ${String(i)}: ${JSON.stringify(text.slice(0, 200))}\n${r.stderr}`).not.toBeNull();
      if (r.status === 0) {
        outcomes.created++;
        expect(fx.spawnSyncRuntime(["delete", "--force", id]).status).toBe(0);
      } else {
        outcomes.rejected++;
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/^swarm-runtime: \S.*\n$/);
        expect(existsSync(join(fx.stateRoot, id))).toBe(false);
      }
    }
    expect(outcomes.rejected).toBeGreaterThan(60);
  });

  it("reports a failure inside the container's setup (run and create), leaving nothing", async () => {
    const id = fx.id("badmount");
    const bundle = join(fx.work, "bundles", id);
    const config = await writeBundle(bundle, { rootfs: fx.rootfs, command: ["true"] });
    const mounts = [...(config.mounts ?? []), { destination: "/x", type: "nosuchfs", source: "none" }];
    writeFileSync(join(bundle, "config.json"), JSON.stringify({ ...config, mounts }));
    for (const verb of ["run", "create"]) {
      const r = fx.spawnSyncRuntime([verb, "--bundle", bundle, id]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('swarm-runtime: mount none (type nosuchfs, options "") on /x: No such device\n');
      expect(existsSync(join(fx.stateRoot, id))).toBe(false);
      expect(existsSync(`/sys/fs/cgroup/pids/swarm/${id}`)).toBe(false);
    }
  });

  it("reports a missing config.json and an unknown container", async () => {
    const err = await createFails("noconfig", null);
    expect(err.message).toMatch(/config\.json: No such file or directory/);
    await expect(fx.runtime.state("swarmtest-nope")).rejects.toMatchObject({ code: RuntimeErrorCode.NotFound });
  });
});

describe("CLI stdio and options", () => {
  it("writes stdout/stderr to the caller's files, a pid file, and runs without init on request", async () => {
    const id = fx.id("files");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("echo out; echo err >&2; cat /proc/1/comm; exit 5") });
    const out = join(bundle, "out.txt");
    const errFile = join(bundle, "err.txt");
    const pidFile = join(bundle, "pid");
    const r = fx.spawnSyncRuntime(["run", "--bundle", bundle, "--stdout", out, "--stderr", errFile, "--pid-file", pidFile, "--no-init", id]);
    expect(r.status).toBe(5);
    expect(readFileSync(out, "utf8")).toBe("out\nsh\n");
    expect(readFileSync(errFile, "utf8")).toBe("err\n");
    expect(Number(readFileSync(pidFile, "utf8"))).toBeGreaterThan(1);
    // run removed the container afterwards
    expect(existsSync(join(fx.stateRoot, id))).toBe(false);
  });

  it("passes inherited stdout through and refuses unknown options and signals", () => {
    const id = fx.id("inherit");
    const bundle = join(fx.work, "bundles", id);
    mkdirSync(bundle, { recursive: true });
    return writeBundle(bundle, { rootfs: fx.rootfs, command: ["echo", "through"] }).then(() => {
      const r = fx.spawnSyncRuntime(["run", "--bundle", bundle, id]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("through\n");
      const bad = fx.spawnSyncRuntime(["run", "--bogus", id]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('unknown option "--bogus"');
      const sig = fx.spawnSyncRuntime(["kill", id, "SIGNOPE"]);
      expect(sig.status).toBe(2);
      expect(sig.stderr).toContain('unknown signal "SIGNOPE"');
    });
  });
});
