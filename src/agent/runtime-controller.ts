/**
 * The real {@link Controller}: a task's container on this node, made from the node's image store
 * (overlay rootfs), the optional network hook, and the runtime driver (src/runtime). Per task it uses
 *
 *   <taskDir>/fs/{rootfs,upper,work}   overlay rootfs (src/image prepareRootfs)
 *   <taskDir>/bundle/config.json       OCI bundle
 *   <taskDir>/container.log            CRI log written by the container's init (kept after remove)
 *
 * Health probes run inside the container's sandbox with `swarm-runtime exec` (its namespaces, cgroups,
 * user, capabilities, seccomp filter, env and cwd), never on the host.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { constants as osConstants } from "node:os";
import { join } from "node:path";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import { hostEnv } from "../lib/host-env.js";
import { errorMessage } from "../lib/errors.js";
import { removeDir } from "../lib/remove-dir.js";
import { runProcess } from "../lib/spawner.js";
import { deleteNetns } from "../network/ip.js";
import type { Logger } from "../lib/logger.js";
import { ImageError, ImageErrorCode } from "../image/errors.js";
import type { Healthcheck } from "../image/manifest.js";
import { isMountPoint, prepareRootfs, rootfsUseFile, type PreparedRootfs } from "../image/rootfs.js";
import type { ImageStore } from "../image/store.js";
import { type BindMount, type Container, type ContainerSpecInput, type Runtime, RuntimeCommandError, RuntimeErrorCode, writeBundle } from "../runtime/index.js";
import type { Controller, ProbeResult, TaskExit } from "./controller.js";
import { AgentError, AgentErrorCode } from "./errors.js";
import { resolveHealthPolicy, type HealthPolicy } from "./health-policy.js";

/** What the network hook gives a task (the contract with the daemon's network code). */
export interface TaskNetwork {
  /** Network namespace to join (e.g. /run/netns/x); absent = a fresh namespace with only lo. */
  readonly netnsPath?: string;
  readonly hostname?: string;
  /** The task's address on the overlay (no prefix), listed in its /etc/hosts under its hostname. */
  readonly address?: string;
  /** Contents of the task's /etc/resolv.conf; default the host's without loopback nameservers. */
  readonly resolvConf?: string;
  /** Releases the task's network (veth, IP, netns). */
  cleanup(): Promise<void>;
}

/** Sets up a task's network during prepare. */
export type NetworkHook = (task: Task__Output) => Promise<TaskNetwork>;

/** Dependencies of a {@link RuntimeController}. */
export interface RuntimeControllerOptions {
  readonly task: Task__Output;
  readonly runtime: Runtime;
  readonly images: ImageStore;
  readonly taskDir: string;
  readonly containerId: string;
  readonly network?: NetworkHook;
  readonly logger: Logger;
}

/** The task's CRI log path. */
export function taskLogPath(taskDir: string): string {
  return join(taskDir, "container.log");
}

const PROBE_OUTPUT_LIMIT = 4096;

/** The image reference a task runs: the pinned digest, else the spec's image. */
export function taskImageRef(task: Task__Output): string {
  const ref = task.imageDigest !== "" ? task.imageDigest : (task.spec?.container?.image ?? "");
  if (ref === "") throw new AgentError(AgentErrorCode.InvalidSpec, `task ${task.id}: spec.container.image is empty and no image digest is pinned`);
  return ref;
}

function bindMounts(task: Task__Output): BindMount[] {
  return (task.spec?.container?.mounts ?? []).map((m, i) => {
    if (m.type !== "BIND") {
      throw new AgentError(AgentErrorCode.InvalidSpec, `spec.container.mounts[${String(i)}]: type ${m.type} is not supported by this agent (only BIND)`);
    }
    return { source: m.source, target: m.target, readonly: m.readOnly };
  });
}

/** Returns `signal` if it names a signal ("SIGTERM", "TERM", "15"), else throws naming the field. */
export function checkStopSignal(signal: string, field: string): string {
  const n = /^\d+$/.test(signal) ? Number(signal) : undefined;
  const name = signal.toUpperCase().startsWith("SIG") ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  const known = n !== undefined ? n >= 1 && n <= 64 : Object.hasOwn(osConstants.signals, name);
  if (!known) throw new AgentError(AgentErrorCode.InvalidSpec, `${field}: ${JSON.stringify(signal)} is not a signal name or number`);
  return signal;
}

/** Docker-like default hostname: the first 12 characters of the task id. */
function defaultHostname(task: Task__Output): string {
  return task.id.replace(/[^A-Za-z0-9-]/g, "").slice(0, 12) || "task";
}

/** Runs one task's container; see the module comment. */
export class RuntimeController implements Controller {
  private readonly o: RuntimeControllerOptions;
  private container: Container | undefined;
  private prepared: PreparedRootfs | undefined;
  private net: TaskNetwork | undefined;
  private imageHealth: Healthcheck | null = null;
  private stopSignal = "SIGTERM";
  private policy: HealthPolicy | null = null;
  private removed = false;
  /** The container's init pid once started. */
  private pid = 0;
  /** How long prepare's phases took (logged with the start, for bench:converge's breakdown). */
  private phases: { rootfsMs?: number; networkMs?: number; bundleMs?: number } = {};

  constructor(options: RuntimeControllerOptions) {
    this.o = options;
  }

  private get bundleDir(): string {
    return join(this.o.taskDir, "bundle");
  }

  private get fsDir(): string {
    return join(this.o.taskDir, "fs");
  }

  async prepare(): Promise<void> {
    const { task, images } = this.o;
    const spec = task.spec?.container;
    if (!spec) throw new AgentError(AgentErrorCode.InvalidSpec, `task ${task.id}: spec.container is missing`);
    const ref = taskImageRef(task);
    const shown = spec.image !== "" && spec.image !== ref ? `${spec.image} (${ref})` : ref;
    let resolved;
    try {
      resolved = images.resolve(ref);
    } catch (err) {
      if (err instanceof ImageError && err.code === ImageErrorCode.NotFound) {
        throw new AgentError(AgentErrorCode.ImageNotFound, `image ${shown} not found on this node`, { cause: err, fields: { ref } });
      }
      throw err;
    }
    const mounts = bindMounts(task);
    this.imageHealth = resolved.config.config.healthcheck;
    this.policy = resolveHealthPolicy(spec.healthcheck, this.imageHealth);
    this.stopSignal = checkStopSignal(spec.stopSignal || resolved.config.config.stopSignal || "SIGTERM", spec.stopSignal !== "" ? "spec.container.stopSignal" : "image config StopSignal");
    const t0 = performance.now();
    let t1 = t0;
    let t2 = t0;
    try {
      // Network first: /etc/hostname, hosts and resolv.conf go into the overlay's upper dir before the
      // mount (writing them through the mounted overlay copies up /etc, and copy-up fsyncs).
      this.net = this.o.network ? await this.o.network(task) : await loopbackNetwork(this.o.containerId);
      t1 = performance.now();
      const hostname = spec.hostname || this.net.hostname || defaultHostname(task);
      this.prepared = await prepareRootfs(images, ref, this.fsDir, { upperFiles: etcFiles(hostname, this.net) });
      t2 = performance.now();
      const image = resolved.config.config;
      const limits = task.spec?.resources?.limits;
      const input: ContainerSpecInput = {
        rootfs: this.prepared.rootfs,
        image: {
          ...(image.entrypoint ? { entrypoint: image.entrypoint } : {}),
          ...(image.cmd ? { cmd: image.cmd } : {}),
          env: image.env,
          workingDir: image.workingDir,
          user: image.user,
        },
        ...(spec.command.length > 0 ? { command: spec.command } : {}),
        ...(spec.args.length > 0 ? { args: spec.args } : {}),
        env: spec.env,
        ...(spec.dir !== "" ? { workdir: spec.dir } : {}),
        ...(spec.user !== "" ? { user: spec.user } : {}),
        hostname,
        ...(this.net?.netnsPath ? { netnsPath: this.net.netnsPath } : {}),
        mounts,
        resources: { memoryBytes: limits?.memoryBytes ?? 0, nanoCpus: limits?.nanoCpus ?? 0, pidsLimit: limits?.pids ?? 0 },
        readonlyRootfs: spec.readOnly,
      };
      await writeBundle(this.bundleDir, input);
      this.phases = { networkMs: Math.round(t1 - t0), rootfsMs: Math.round(t2 - t1), bundleMs: Math.round(performance.now() - t2) };
      // The container itself is made by start(): `run --detach` creates and starts it in one process.
    } catch (err) {
      await this.remove().catch((e: unknown) => this.o.logger.warn({ task: task.id, err: errorMessage(e) }, "cleaning up after a failed prepare failed"));
      this.removed = false;
      throw err;
    }
  }

  private async runContainer(): Promise<Container> {
    const { runtime, containerId, taskDir } = this.o;
    try {
      return await runtime.runDetached(containerId, this.bundleDir, { logPath: taskLogPath(taskDir) });
    } catch (err) {
      if (!(err instanceof RuntimeCommandError) || err.code !== RuntimeErrorCode.AlreadyExists) throw err;
      // A leftover of a run that died before its record (or a container an earlier agent only created): replace it.
      this.o.logger.warn({ container: containerId }, "replacing a leftover container with the same id");
      await runtime.container(containerId, taskLogPath(taskDir)).delete({ force: true });
      return runtime.runDetached(containerId, this.bundleDir, { logPath: taskLogPath(taskDir) });
    }
  }

  /**
   * Re-attaches to an existing container after an agent restart: the container handle, its environment
   * (from the bundle) and the health check (from the image, if still in the store).
   */
  adopt(): void {
    const { task, runtime, containerId, taskDir, images } = this.o;
    this.container = runtime.container(containerId, taskLogPath(taskDir));
    const spec = task.spec?.container;
    try {
      const image = images.resolve(taskImageRef(task)).config.config;
      this.imageHealth = image.healthcheck;
      this.stopSignal = spec?.stopSignal || image.stopSignal || "SIGTERM";
    } catch {
      this.imageHealth = null;
      this.stopSignal = spec?.stopSignal || "SIGTERM";
    }
    try {
      this.policy = resolveHealthPolicy(spec?.healthcheck, this.imageHealth);
    } catch {
      this.policy = null;
    }
  }

  private need(): Container {
    if (!this.container) throw new AgentError(AgentErrorCode.TaskNotFound, `task ${this.o.task.id}: no container (not prepared)`);
    return this.container;
  }

  async start(): Promise<{ containerId: string; pid: number }> {
    // One process (run --detach) and a file read for the pid: no separate create, start and state.
    const t0 = performance.now();
    const c = await this.runContainer();
    this.container = c;
    this.pid = this.o.runtime.recordedPid(c.id) ?? (await c.state().catch(() => undefined))?.pid ?? 0;
    this.o.logger.info({ task: this.o.task.id, ...this.phases, runMs: Math.round(performance.now() - t0) }, "task container started");
    return { containerId: c.id, pid: this.pid };
  }

  async wait(): Promise<TaskExit> {
    const exit = await this.need().wait();
    return { exitCode: exit.exitCode };
  }

  async shutdown(graceMs: number): Promise<TaskExit> {
    const c = this.need();
    const exit = await c.stop(graceMs, {
      signal: this.stopSignal, // the runtime takes names with or without SIG, or numbers
      onGraceOver: () => this.o.logger.info({ container: c.id, graceMs }, "grace period over: SIGKILL"),
    });
    return { exitCode: exit.exitCode };
  }

  async terminate(): Promise<void> {
    await this.need()
      .kill("SIGKILL")
      .catch((err: unknown) => {
        if (!(err instanceof RuntimeCommandError) || err.code !== RuntimeErrorCode.WrongState) throw err;
      });
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    const { runtime, containerId, taskDir } = this.o;
    const problems: string[] = [];
    const c = this.container ?? runtime.container(containerId, taskLogPath(taskDir));
    await c.delete({ force: true }).catch((err: unknown) => {
      if (!(err instanceof RuntimeCommandError && err.code === RuntimeErrorCode.NotFound)) problems.push(errorMessage(err));
    });
    // One path for a rootfs this process prepared and one an earlier process did: unmount, remove fs/
    // off the event loop (upper/ holds everything the task wrote; prepared.release() would rmSync it,
    // stalling Raft ticks, heartbeats and the mesh), drop the use record.
    await releaseRootfsDir(this.o.images, this.fsDir).then(
      () => (this.prepared = undefined),
      (err: unknown) => problems.push(errorMessage(err)),
    );
    const net = this.net;
    if (net) await net.cleanup().then(() => (this.net = undefined), (err: unknown) => problems.push(errorMessage(err)));
    else await deleteNetns(this.o.containerId).catch((err: unknown) => problems.push(errorMessage(err))); // adopted task: its netns is named by the container id
    await removeDir(this.bundleDir).catch((err: unknown) => problems.push(errorMessage(err)));
    if (problems.length > 0) throw new Error(`task ${this.o.task.id}: cleanup: ${problems.join("; ")}`);
    this.removed = true;
  }

  healthPolicy(): HealthPolicy | null {
    return this.policy;
  }

  async probe(argv: readonly string[], timeoutMs: number): Promise<ProbeResult> {
    return runInContainer(this.o.runtime, this.o.containerId, argv, timeoutMs);
  }
}

/**
 * Runs argv inside the running container `containerId` with `swarm-runtime exec`: its namespaces and
 * cgroups, and its process's own identity — user, capabilities, no_new_privs, seccomp filter, env, cwd
 * (design/runtime.md); the command is looked up on the container's PATH inside the container. Passes on
 * exit 0. The runtime runs with the fixed host environment; on `timeoutMs` it is killed, and the
 * command dies with it.
 */
export function runInContainer(runtime: Pick<Runtime, "binary" | "stateRoot">, containerId: string, argv: readonly string[], timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const child = spawn(runtime.binary, ["--root", runtime.stateRoot, "exec", containerId, "--", ...argv], {
      env: hostEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (d: Buffer): void => {
      if (output.length < PROBE_OUTPUT_LIMIT) output += d.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ passed: false, output: `health check: cannot run ${runtime.binary} exec: ${err.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const text = output.trim().slice(0, PROBE_OUTPUT_LIMIT);
      if (timedOut) resolve({ passed: false, output: `health check timed out after ${String(timeoutMs)} ms` });
      else resolve({ passed: code === 0, output: code === 0 ? text : `exit ${String(code)}${text ? `: ${text}` : ""}` });
    });
  });
}

/** The host's /etc/resolv.conf without loopback nameservers (they mean nothing inside a task), as Docker does. */
export function taskResolvConf(hostText: string): string {
  const lines = hostText.split("\n").filter((l) => !/^\s*nameserver\s+(127\.|::1\b)/.test(l));
  return `${lines.join("\n").trim()}\n`;
}

/** The task's /etc/hostname, /etc/hosts and /etc/resolv.conf (paths relative to the rootfs). */
function etcFiles(hostname: string, net: TaskNetwork | undefined): Record<string, string> {
  let resolv = net?.resolvConf;
  if (resolv === undefined) {
    try {
      resolv = taskResolvConf(readFileSync("/etc/resolv.conf", "utf8"));
    } catch {
      resolv = "\n";
    }
  }
  const hosts = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", ...(net?.address ? [`${net.address}\t${hostname}`] : [`127.0.1.1\t${hostname}`])];
  // In the upper dir they shadow the image's files, symlinks included (nothing is written through them).
  return { "etc/hostname": `${hostname}\n`, "etc/hosts": `${hosts.join("\n")}\n`, "etc/resolv.conf": resolv };
}

/**
 * The network of a task when the agent has no network hook (or the task has no overlay address): a fresh
 * network namespace with only `lo`, up (so a health check can reach 127.0.0.1), made by the runtime.
 */
export async function loopbackNetwork(name: string): Promise<TaskNetwork> {
  await deleteNetns(name); // a leftover of an earlier agent version that named these namespaces
  // No netnsPath: swarm-runtime makes the task a fresh network namespace and brings its `lo` up itself
  // (no `ip` processes per task); it goes away with the container.
  return { cleanup: async () => undefined };
}

/**
 * Releases a task rootfs (one an earlier agent process prepared, whose release closure is gone, or one
 * this process prepared): unmounts the overlay, removes rootfs/upper/work off the event loop, and the
 * image store's use record ({@link rootfsUseFile}; a record left behind would only be dropped later as
 * stale by the store).
 */
export async function releaseRootfsDir(images: ImageStore, fsDir: string): Promise<void> {
  const rootfs = join(fsDir, "rootfs");
  if (existsSync(rootfs) && isMountPoint(rootfs)) {
    if ((await runProcess("umount", [rootfs])).code !== 0) {
      const lazy = await runProcess("umount", ["-l", rootfs]);
      if (lazy.code !== 0) throw new Error(`umount ${rootfs} failed (exit ${String(lazy.code ?? lazy.signal)}): ${lazy.stderr.trim()}`);
    }
  }
  await removeDir(fsDir);
  await rm(rootfsUseFile(images, fsDir), { force: true });
}
