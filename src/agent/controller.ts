/**
 * The Controller: the steps the task runner takes with a task's container, behind one small interface
 * (SwarmKit's agent/exec shape), so the runner and its state machine know nothing about containers and
 * are tested without root (task-runner.test.ts drives a scripted one). {@link RuntimeController}
 * (runtime-controller.ts) is the real one; re-adopting a container after an agent restart and reading
 * a task's log are not steps of it (RuntimeController.adopt, task-logs.ts).
 */
import type { HealthPolicy } from "./health-policy.js";

/** How a container's process ended; null when unknown. */
export interface TaskExit {
  readonly exitCode: number | null;
}

/** Result of one health probe. */
export interface ProbeResult {
  readonly passed: boolean;
  /** The probe's output (trimmed, bounded), or why it failed to run. */
  readonly output: string;
}

/** I/O for one task. The steps may throw; the runner turns failures into task states. */
export interface Controller {
  /**
   * Resolves the image, sets up the network, mounts the rootfs and writes the bundle; no container exists
   * yet. A failure means the node cannot run the task (REJECTED).
   */
  prepare(): Promise<void>;
  /**
   * Creates and starts the container from the prepared bundle in one step; returns its id and the host
   * pid of its init. A failure (the runtime refuses the bundle, its setup fails) means FAILED.
   */
  start(): Promise<{ containerId: string; pid: number }>;
  /** Resolves when the container's process has ended (shared by all callers). */
  wait(): Promise<TaskExit>;
  /** Stop signal, then SIGKILL if still running after `graceMs`; resolves with the exit. Safe on a stopped container. */
  shutdown(graceMs: number): Promise<TaskExit>;
  /** SIGKILL now. */
  terminate(): Promise<void>;
  /** Deletes the container and releases rootfs, network and bundle (not the log). Idempotent. */
  remove(): Promise<void>;
  /** The health check to run once the task runs (known after prepare or adopt), or null. */
  healthPolicy(): HealthPolicy | null;
  /** Runs one health check inside the container; never throws (a failure to run is a failed check). */
  probe(argv: readonly string[], timeoutMs: number): Promise<ProbeResult>;
}
