// Data at rest (issue [10]): a real swarmd, started by a parent whose umask is the usual 022, inits a
// swarm and runs a service; afterwards no file or directory of its data dir grants anything to group or
// others. Image layer and task rootfs contents keep the modes the image gives them (a container's own
// files; a layer directory is the container's "/"), so for those the test asserts the 0700 directory that
// closes them off instead.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { buildTestImages } from "../image/testing/test-images.js";

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

/** Directories whose contents are a container's files (the image's modes), closed off by the directory itself. */
const CONTAINER_CONTENT = [/^images\/layers\/[^/]+/, /^agent\/tasks\/[^/]+\/fs\/./];

/** Every path under `dir` with its mode, depth first; symlinks are not followed. */
function walk(dir: string, out: { path: string; mode: number }[] = []): { path: string; mode: number }[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    out.push({ path: relative(dataDir, p), mode: st.mode });
    if (st.isDirectory()) walk(p, out);
  }
  return out;
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

    const all = walk(dataDir);
    const closedOff = all.filter((e) => CONTAINER_CONTENT.some((re) => re.test(e.path)));
    const checked = all.filter((e) => !closedOff.includes(e));
    const wide = checked.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.path} ${(e.mode & 0o777).toString(8)}`);
    console.log(`data dir: ${checked.length} paths checked owner-only, ${closedOff.length} container files behind 0700 dirs`);
    expect(wide).toEqual([]);
    expect(checked.map((e) => e.path)).toEqual(expect.arrayContaining(["state.json", "certificates/node.key", "raft", "swarmd.sock"]));
    expect(checked.some((e) => e.path.startsWith("raft/") && !lstatSync(join(dataDir, e.path)).isDirectory())).toBe(true);
    expect(closedOff.length).toBeGreaterThan(0);
    expect((lstatSync(dataDir).mode & 0o077).toString(8)).toBe("0");
  });
});
