/**
 * The Controller: everything the agent does to a task's container, behind one small interface (SwarmKit's
 * agent/exec shape) so the task runner and its state machine know nothing about containers and can be
 * tested without root. {@link RuntimeController} (runtime-controller.ts) is the real one.
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

/** I/O for one task. Every method may throw; the runner turns failures into task states. */
export interface Controller {
  /**
   * Resolves the image, mounts the rootfs, sets up the network, writes the bundle and creates the container
   * (its process waits for {@link start}). A failure means the node cannot run the task (REJECTED).
   */
  prepare(): Promise<void>;
  /** Starts the created container; returns its id and the host pid of its init. A failure means FAILED. */
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
