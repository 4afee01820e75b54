/**
 * The Docker Swarm peer of the benchmarks (PEERS.md): a private dockerd (own data root, exec root,
 * socket and pidfile in a temp dir), images made with `docker import` from our test rootfs, a
 * single-node swarm on loopback ports that do not collide with ours or with another dockerd's memberlist.
 * Runs of dockerd are serialized machine-wide with a lock file, since two engines would fight over
 * docker0 and iptables.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { until } from "./until.js";

const run = promisify(execFile);
const DOCKER = "/usr/bin/docker";
const DOCKERD = "/usr/sbin/dockerd";
/** Held (flock) for as long as one benchmark's dockerd runs. */
const DOCKER_LOCK = join(tmpdir(), "swarm-bench-docker.lock");

/** A running private dockerd. */
export interface Docker {
  readonly dir: string;
  readonly socket: string;
  readonly proc: ChildProcess;
  /** docker0 existed before this dockerd started. */
  readonly hadBridge: boolean;
}

/** One image to `docker import` from the rootfs tar. */
export interface DockerImage {
  readonly tag: string;
  /** The image's CMD, as JSON (`["/bin/sh","-c","…"]`). */
  readonly cmd: string;
}

/** GET on the engine API; the body as text. */
export function dockerRaw(socket: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

/** GET on the engine API, parsed as JSON (a clear error with the body's start when it is not). */
export async function dockerApi<T>(socket: string, path: string): Promise<T> {
  const body = await dockerRaw(socket, path);
  try {
    return JSON.parse(body) as T;
  } catch (err) {
    throw new Error(`docker API ${path}: ${String(err)}: ${body.slice(0, 200)}`);
  }
}

/** Runs the docker CLI against this dockerd; its stdout. */
export async function docker(d: Docker, ...args: string[]): Promise<string> {
  return (await run(DOCKER, ["-H", `unix://${d.socket}`, ...args], { maxBuffer: 16 << 20 })).stdout;
}

function ensureDocker(): void {
  if (existsSync(DOCKERD) && existsSync(DOCKER)) return;
  console.log("dockerd not found: installing Debian's docker.io");
  if (spawnSync("apt-get", ["install", "-y", "docker.io"], { stdio: "inherit" }).status !== 0) throw new Error("apt-get install docker.io failed");
}

/** Starts a private dockerd (installing docker.io if missing), imports `images`, and inits a single-node swarm. */
export async function upDocker(rootfsTar: string, images: readonly DockerImage[]): Promise<Docker> {
  ensureDocker();
  const dir = mkdtempSync(join(tmpdir(), "swarm-bench-docker-"));
  const hadBridge = spawnSync("ip", ["link", "show", "docker0"], { stdio: "ignore" }).status === 0;
  const socket = join(dir, "docker.sock");
  mkdirSync(join(dir, "exec"));
  // flock holds the lock for as long as dockerd runs (-o: dockerd does not inherit the lock fd).
  const proc = spawn("flock", ["-o", DOCKER_LOCK, DOCKERD, "--data-root", join(dir, "data"), "--exec-root", join(dir, "exec"), "-H", `unix://${socket}`, "--pidfile", join(dir, "docker.pid")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const d: Docker = { dir, socket, proc, hadBridge };
  try {
    await until(`dockerd up (waits for ${DOCKER_LOCK})`, async () => (proc.exitCode !== null ? "exited" : existsSync(socket) ? await dockerRaw(socket, "/_ping").then(() => "up", () => "down") : "down"), (v) => v !== "down", 600_000, 200);
    if (proc.exitCode !== null) throw new Error(`dockerd exited ${proc.exitCode}: ${stderr}`);
    for (const image of images) await docker(d, "import", "-c", `CMD ${image.cmd}`, rootfsTar, image.tag);
    await docker(d, "swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:12377", "--data-path-port", "14789");
  } catch (err) {
    await downDocker(d);
    throw err;
  }
  return d;
}

/** Leaves the swarm, stops dockerd (which frees the lock), and removes its mounts, temp dir and — if it made it — docker0. */
export async function downDocker(d: Docker): Promise<void> {
  await docker(d, "swarm", "leave", "--force").catch(() => undefined);
  // flock does not forward signals: stop dockerd by its pidfile; flock then exits and frees the lock.
  const pidFile = join(d.dir, "docker.pid");
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0;
  if (pid > 0) process.kill(pid, "SIGTERM");
  else d.proc.kill("SIGTERM");
  await until("dockerd exit", async () => d.proc.exitCode !== null || d.proc.signalCode !== null, (v) => v, 60_000, 200).catch(() => {
    if (pid > 0) process.kill(pid, "SIGKILL");
  });
  spawnSync("sh", ["-c", `grep ' ${d.dir}' /proc/mounts | awk '{print $2}' | sort -r | xargs -r umount -l`]);
  // dockerd leaves its default bridge behind; remove it when this run made it.
  if (!d.hadBridge) spawnSync("ip", ["link", "del", "docker0"], { stdio: "ignore" });
  rmSync(d.dir, { recursive: true, force: true });
}

/** `dockerd --version` (for the result's details). */
export function dockerdVersion(): string {
  return (spawnSync(DOCKERD, ["--version"], { encoding: "utf8" }).stdout ?? "").trim();
}
