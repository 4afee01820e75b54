// Data at rest (issue [10]): a real swarmd, started by a parent whose umask is the usual 022, inits a
// swarm and runs a service; afterwards no file or directory of its data dir grants anything to group or
// others. Image layer and task rootfs contents keep the modes the image gives them (a container's own
// files; a layer directory is the container's "/"), so for those the test asserts the 0700 directory that
// closes them off instead.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { buildTestImages } from "../image/testing/test-images.js";
import { dataDirModes } from "./testing/data-dir-modes.js";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;
const base = mkdtempSync(join(tmpdir(), "swarm-modes-"));
const dataDir = join(base, "data");
const socket = join(dataDir, "swarmd.sock");
let daemon: ChildProcess | undefined;

afterAll(async () => {
  if (daemon !== undefined) {
    // Stop the task before the daemon, so no container, mount or cgroup outlives the test.
    await ctl("service", "rm", "web").catch(() => undefined);
    await until(() => "the task's rootfs unmounted", async () => (readFileSync("/proc/self/mountinfo", "utf8").includes(base) ? undefined : true), 30_000).catch(() => undefined);
    const exited = new Promise((r) => daemon?.once("exit", r));
    daemon.kill("SIGTERM");
    await exited;
  }
  rmSync(base, { recursive: true, force: true });
});

async function ctl(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [`${root}/bin/swarmctl.js`, "--socket", socket, ...args], { env: { ...process.env, SWARM_IMAGE_STORE: join(dataDir, "images") } });
  return stdout;
}

async function until<T>(what: () => string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what()}; last: ${last instanceof Error ? last.message : String(last)}`);
}

describe("swarmd's data dir at rest", () => {
  it("after init and a running service, no file or directory grants group or others anything", async () => {
    expect(existsSync(`${root}/dist/src/daemon/swarmd.js`), "dist/ missing: run `npm run build`").toBe(true);
    const images = buildTestImages();
    process.umask(0o022);
    daemon = spawn(process.execPath, [`${root}/bin/swarmd.js`, "--data-dir", dataDir, "--listen-addr", "127.0.0.1:4677", "--advertise-addr", "127.0.0.1:4677"], { stdio: "ignore", env: { ...process.env, SWARM_LOG_LEVEL: "warn" } });
    await until(() => "the socket", async () => (existsSync(socket) ? true : undefined));
    await ctl("init", "--advertise-addr", "127.0.0.1:4677");
    await ctl("image", "load", images.web1);
    await ctl("service", "create", "--name", "web", "--detach", "demo/web:1");
    let ps = "";
    await until(() => `a running task (service ps: ${ps})`, async () => ((ps = await ctl("service", "ps", "web")).includes("running ") ? true : undefined));

    const { checked, wide, containerFiles } = dataDirModes(dataDir);
    console.log(`data dir: ${checked.length} paths checked owner-only, ${containerFiles} container files behind 0700 dirs`);
    expect(wide).toEqual([]);
    expect(checked).toEqual(expect.arrayContaining(["state.json", "certificates/node.key", "raft", "swarmd.sock", "images/layers"]));
    expect(checked.some((p) => p.startsWith("raft/") && !lstatSync(join(dataDir, p)).isDirectory())).toBe(true);
    expect(containerFiles).toBeGreaterThan(0);
    expect((lstatSync(dataDir).mode & 0o077).toString(8)).toBe("0");
  });
});
