/**
 * The runtime driver the agent uses: writes bundles, and drives `swarm-runtime` (`run --detach`, `wait`,
 * `kill`, `delete`, `state`) for one container at a time. Every call is one `swarm-runtime` process
 * started through the shared spawner (src/lib/spawner.ts), `wait` the only long-lived one; state lives in
 * the runtime's state dir, so a restarted agent can reattach with {@link Runtime.container}. The verbs
 * only tests use (`create`, `start`) are in testing/verbs.ts.
 */
import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../lib/logger.js";
import { silentLogger } from "../lib/logger.js";
import { runProcess } from "../lib/spawner.js";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { buildOciConfig, type ContainerSpecInput } from "./config-builder.js";
import { RuntimeCommandError, RuntimeErrorCode, classifyRuntimeFailure } from "./errors.js";
import type { OciConfig } from "./oci.js";

/** Where state lives by default (the runtime's own default). */
export const DEFAULT_STATE_ROOT = "/run/swarm-runtime";

/** Options for {@link Runtime}. */
export interface RuntimeOptions {
  /** The swarm-runtime binary (default: native/build/swarm-runtime). */
  readonly binary?: string;
  /** State directory (`--root`). */
  readonly stateRoot?: string;
  readonly logger?: Logger;
}

/** Status as `swarm-runtime state` reports it. */
export type ContainerStatus = "created" | "running" | "stopped";

/** `swarm-runtime state ID`. */
export interface ContainerState {
  readonly id: string;
  readonly status: ContainerStatus;
  /** Host pid of the container's init (0 when stopped). */
  readonly pid: number;
  readonly bundle: string;
  readonly rootfs: string;
  readonly created: string;
  readonly exitCode?: number;
  readonly exitSignal?: number;
}

/** How a container's process ended. */
export interface ExitStatus {
  /** Exit code; 128+N when killed by signal N; null when unknown (the init was killed too). */
  readonly exitCode: number | null;
  /** Signal that killed the process (0 = exited normally). */
  readonly signal: number | null;
}

/** Options for {@link Runtime.runDetached}. */
export interface CreateOptions {
  /** CRI-format log of stdout+stderr, written by the container's init (default: <bundle>/container.log). */
  readonly logPath?: string;
  /** Rotate the log before it would pass this many bytes (default {@link DEFAULT_LOG_MAX_SIZE}). */
  readonly logMaxSize?: number;
  /** Files kept, the current one included (default {@link DEFAULT_LOG_MAX_FILES}). */
  readonly logMaxFiles?: number;
}

/**
 * Log cap per container: 10 MiB × 3 files. Docker's json-file default is unlimited; issue [10] wants a
 * container unable to fill the host's disk through its log, so swarm caps it by default.
 */
export const DEFAULT_LOG_MAX_SIZE = 10 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 3;

/** Writes config.json into bundleDir (created if needed) and returns the config. */
export async function writeBundle(bundleDir: string, spec: ContainerSpecInput): Promise<OciConfig> {
  const users = {
    passwd: await readFile(join(spec.rootfs, "etc/passwd"), "utf8").catch(() => undefined),
    group: await readFile(join(spec.rootfs, "etc/group"), "utf8").catch(() => undefined),
  };
  const config = buildOciConfig(spec, users);
  await mkdir(bundleDir, { recursive: true });
  await writeFile(join(bundleDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** Drives the swarm-runtime binary. */
export class Runtime {
  readonly binary: string;
  readonly stateRoot: string;
  private readonly log: Logger;

  constructor(options: RuntimeOptions = {}) {
    this.binary = options.binary ?? RUNTIME_BINARY;
    this.stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
    this.log = options.logger ?? silentLogger();
  }

  /**
   * create + start in ONE `swarm-runtime run --detach` (one process instead of two); the container runs
   * when it resolves.
   */
  async runDetached(id: string, bundleDir: string, options: CreateOptions = {}): Promise<Container> {
    const logPath = options.logPath ?? join(bundleDir, "container.log");
    const rotation = [
      "--log-max-size",
      String(options.logMaxSize ?? DEFAULT_LOG_MAX_SIZE),
      "--log-max-files",
      String(options.logMaxFiles ?? DEFAULT_LOG_MAX_FILES),
    ];
    await runRuntimeCommand(this, id, "run", ["run", "--detach", "--bundle", bundleDir, "--container-log", logPath, ...rotation, id]);
    this.log.debug({ id, bundleDir }, "container running");
    return new Container(this, id, logPath);
  }

  /**
   * The init pid the runtime recorded in `<root>/<id>/state.json` (read from the file, no process), or
   * undefined when there is no such container.
   */
  recordedPid(id: string): number | undefined {
    try {
      const st = JSON.parse(readFileSync(join(this.stateRoot, id, "state.json"), "utf8")) as { pid?: unknown };
      return typeof st.pid === "number" && st.pid > 0 ? st.pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** A handle on an existing container (e.g. after an agent restart). */
  container(id: string, logPath: string): Container {
    return new Container(this, id, logPath);
  }

  /** `state ID`. */
  async state(id: string): Promise<ContainerState> {
    const r = await runRuntimeCommand(this, id, "state", ["state", id]);
    return JSON.parse(r.stdout) as ContainerState;
  }
}

/**
 * Runs `swarm-runtime --root <root> ...args` for container `id` and returns its output; a non-zero exit
 * throws {@link RuntimeCommandError} (`command` names the verb), a process that cannot run or is killed
 * an Error naming the binary.
 */
export async function runRuntimeCommand(runtime: Runtime, id: string, command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  // Through the shared spawner (src/lib/spawner.ts): no fork of this process per command.
  const r = await runProcess(runtime.binary, ["--root", runtime.stateRoot, ...args]).then(
    (res) => {
      if (res.code === null) throw new Error(`cannot run ${runtime.binary}: killed by ${String(res.signal)}`);
      return res;
    },
    (err: unknown) => {
      throw new Error(`cannot run ${runtime.binary}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    },
  );
  if (r.code !== 0) throw new RuntimeCommandError(classifyRuntimeFailure(r.stderr), command, r.code, r.stderr, id);
  return r;
}

/** Spawns `wait ID` (long-lived) and resolves with its JSON output. */
function waitForExit(runtime: Runtime, id: string): Promise<ExitStatus> {
  return runProcess(runtime.binary, ["--root", runtime.stateRoot, "wait", id]).then(({ code, stdout: out, stderr: errText }) => {
    try {
      const parsed = JSON.parse(out) as { exitCode: number | null; exitSignal: number | null };
      return { exitCode: parsed.exitCode, signal: parsed.exitSignal };
    } catch {
      throw new RuntimeCommandError(classifyRuntimeFailure(errText), "wait", code, errText, id);
    }
  });
}

/** How {@link Container.stop} stops. */
export interface StopOptions {
  /** The first signal (default SIGTERM): a name with or without SIG, or a number. */
  readonly signal?: string | number;
  /** Called when the grace period is over, before the SIGKILL. */
  readonly onGraceOver?: () => void;
}

/** True for a failure that means the container's process is gone already (stopped, or no container). */
function isGone(err: unknown): boolean {
  return err instanceof RuntimeCommandError && (err.code === RuntimeErrorCode.WrongState || err.code === RuntimeErrorCode.NotFound);
}

/** One container. */
export class Container {
  private waiting: Promise<ExitStatus> | undefined;

  constructor(
    private readonly runtime: Runtime,
    readonly id: string,
    /** The CRI-format log file of this container. */
    readonly logPath: string,
  ) {}

  /** Current state. */
  state(): Promise<ContainerState> {
    return this.runtime.state(this.id);
  }

  /** Resolves when the container's process has ended (shared by all callers). */
  wait(): Promise<ExitStatus> {
    if (!this.waiting) {
      this.waiting = waitForExit(this.runtime, this.id);
      // Callers that await get the rejection; one that is never awaited (stop's race) is not "unhandled".
      this.waiting.catch(() => undefined);
    }
    return this.waiting;
  }

  /** Sends a signal (a name with or without SIG, or a number) to the container's init, which forwards it to the process. */
  async kill(signal: string | number = "SIGTERM"): Promise<void> {
    await runRuntimeCommand(this.runtime, this.id, "kill", ["kill", this.id, String(signal)]);
  }

  /**
   * The stop signal (SIGTERM unless `options.signal`), then SIGKILL if the process has not ended within
   * gracePeriodMs. Resolves with the exit status. Safe on a stopped container; a kill that finds the
   * process gone leaves the outcome to `wait` (which fails with NOT_FOUND when there is no container).
   */
  async stop(gracePeriodMs: number, options: StopOptions = {}): Promise<ExitStatus> {
    const done = this.wait();
    try {
      await this.kill(options.signal ?? "SIGTERM");
    } catch (err) {
      if (!isGone(err)) throw err;
      return done;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), gracePeriodMs);
    });
    const first = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    if (first !== "timeout") return first;
    options.onGraceOver?.();
    await this.kill("SIGKILL").catch((err: unknown) => {
      if (!isGone(err)) throw err;
    });
    return done;
  }

  /** Removes state and cgroups; `force` kills a live container first. */
  async delete(options: { force?: boolean } = {}): Promise<void> {
    await runRuntimeCommand(this.runtime, this.id, "delete", ["delete", ...(options.force ? ["--force"] : []), this.id]);
  }
}
