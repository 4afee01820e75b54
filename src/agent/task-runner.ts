/**
 * The task runner: the thin loop that drives one task's {@link Controller} by the pure state machine
 * (task-machine.ts), one step at a time, reporting every status change in order, plus the health-check
 * loop while the task runs. It has two ways to end: the task reached a final state and was removed
 * (`remove`), or the agent let go of it with the container left running for a later agent (`detach`).
 */
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import type { TaskStatus__Output } from "../gen/swarm/api/TaskStatus.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Controller, TaskExit } from "./controller.js";
import { HEALTH_START, healthAfterCheck, type HealthPolicy, type HealthTrack } from "./health-policy.js";
import { applyEvent, nextAction, wantsStop, type TaskEvent } from "./task-machine.js";

/** Default stop grace period (ContainerSpec.stop_grace_period_ms). */
export const DEFAULT_STOP_GRACE_MS = 10_000;

/** Options of a {@link TaskRunner}. */
export interface TaskRunnerOptions {
  readonly task: Task__Output;
  readonly controller: Controller;
  readonly nodeId: string;
  /** Unix milliseconds. */
  readonly clock: () => number;
  /** Status to start from (the agent's persisted one, or the store's). */
  readonly initial: TaskStatus__Output;
  /** Called for every status change, in order, one at a time. Errors are logged, never thrown back. */
  readonly report: (status: TaskStatus__Output) => Promise<void>;
  readonly logger: Logger;
  /** When the container started (Unix ms), for an adopted task's health start period. */
  readonly startedAt?: number;
  /**
   * Called before the stop signal (e.g. the routing mesh drains the task's connections), bounded by
   * the grace period; its failure is logged and the stop goes on.
   */
  readonly beforeStop?: (task: Task__Output, graceMs: number) => Promise<void>;
}

/** Grace period of a task's spec. */
export function stopGraceMs(task: Task__Output): number {
  const g = task.spec?.container?.stopGracePeriodMs;
  return g !== undefined && g >= 0 ? g : DEFAULT_STOP_GRACE_MS;
}

/** Drives one task; see the module comment. */
export class TaskRunner {
  private task: Task__Output;
  private current: TaskStatus__Output;
  private readonly ctl: Controller;
  private readonly opts: TaskRunnerOptions;
  private mode: "run" | "detach" | "remove" = "run";
  private wakers: (() => void)[] = [];
  private reporting: Promise<void> = Promise.resolve();
  private unhealthy: { output: string } | undefined;
  private health: HealthLoop | undefined;
  private resourcesRemoved = false;
  private startedAt: number | undefined;
  private drained = false;
  /** Resolves when the loop has ended (removed or detached). */
  readonly done: Promise<void>;

  constructor(options: TaskRunnerOptions) {
    this.opts = options;
    this.task = options.task;
    this.ctl = options.controller;
    this.current = options.initial;
    this.startedAt = options.startedAt;
    this.done = this.loop();
  }

  /** The task's id. */
  get id(): string {
    return this.task.id;
  }

  /** The last observed status. */
  get status(): TaskStatus__Output {
    return this.current;
  }

  /** The task as last assigned. */
  get assignment(): Task__Output {
    return this.task;
  }

  /** True once the task is in a final state. */
  get finished(): boolean {
    return nextAction({ observed: this.current.state, desired: "RUNNING" }).type === "finished";
  }

  /** A new version of the task arrived (desired state may have changed). */
  update(task: Task__Output): void {
    this.task = task;
    this.poke();
  }

  /** Stops the task if needed, removes its container, and ends the loop. */
  async remove(): Promise<void> {
    this.mode = "remove";
    this.task = { ...this.task, desiredState: "REMOVE" };
    this.poke();
    await this.done;
  }

  /** Ends the loop without touching the container (agent stop; a later agent re-adopts it). */
  async detach(): Promise<void> {
    if (this.mode === "run") this.mode = "detach";
    this.poke();
    await this.done;
  }

  private isDetaching(): boolean {
    return this.mode === "detach";
  }

  private get desired(): TaskState__Output {
    return this.task.desiredState;
  }

  private poke(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  private wake(): Promise<"wake"> {
    return new Promise((resolve) => this.wakers.push(() => resolve("wake")));
  }

  private emit(event: TaskEvent): Promise<void> {
    const next = applyEvent(this.current, event, { now: this.opts.clock(), nodeId: this.opts.nodeId });
    if (next === null) return this.reporting;
    this.current = next;
    this.reporting = this.reporting.then(() =>
      this.opts.report(next).catch((err: unknown) => this.opts.logger.warn({ task: this.id, err: errorMessage(err) }, "status report failed")),
    );
    return this.reporting;
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.mode === "detach") return;
        const action = nextAction({ observed: this.current.state, desired: this.desired, unhealthy: this.unhealthy !== undefined });
        switch (action.type) {
          case "accept":
            await this.emit({ type: "accepted" });
            break;
          case "prepare":
            await this.emit({ type: "preparing" });
            try {
              await this.ctl.prepare();
              await this.emit({ type: "prepared" });
            } catch (err) {
              await this.emit({ type: "rejected", err: errorMessage(err) });
            }
            break;
          case "start":
            await this.emit({ type: "starting" });
            try {
              const { containerId, pid } = await this.ctl.start();
              this.startedAt = this.opts.clock();
              await this.emit({ type: "started", containerId, pid });
            } catch (err) {
              await this.emit({ type: "startFailed", err: errorMessage(err) });
            }
            break;
          case "hold":
            await this.wake();
            break;
          case "wait": {
            this.startHealth();
            const r = await Promise.race([
              this.ctl.wait().then(
                (exit) => ({ kind: "exit" as const, exit }),
                (err: unknown) => ({ kind: "error" as const, err }),
              ),
              this.wake(),
            ]);
            if (r === "wake") break;
            if (this.isDetaching() || wantsStop(this.desired) || this.unhealthy !== undefined) break; // the stop path reports
            this.stopHealth();
            if (r.kind === "error") await this.emit({ type: "lost", err: errorMessage(r.err) });
            else if (r.exit.exitCode === null) await this.emit({ type: "lost", err: "task: exit status unknown (the container's init was killed)" });
            else await this.emit({ type: "exited", exitCode: r.exit.exitCode });
            break;
          }
          case "shutdown": {
            this.stopHealth();
            const exit = await this.stopContainer();
            if (exit === undefined) break;
            await this.emit({ type: "stopped", exitCode: exit.exitCode });
            break;
          }
          case "failUnhealthy": {
            this.stopHealth();
            const exit = await this.stopContainer();
            if (exit === undefined) break;
            await this.emit({ type: "unhealthyStopped", exitCode: exit.exitCode, output: this.unhealthy?.output ?? "" });
            break;
          }
          case "cancel":
            await this.emit({ type: "cancelled" });
            break;
          case "finished":
            this.stopHealth();
            if (!this.resourcesRemoved) {
              // The container, rootfs and network of a finished task are freed at once; its log stays.
              this.resourcesRemoved = true;
              await this.ctl.remove().catch((err: unknown) => this.opts.logger.warn({ task: this.id, err: errorMessage(err) }, "removing the container failed"));
              break;
            }
            if (this.mode === "remove") return;
            await this.wake();
            break;
        }
      }
    } finally {
      this.stopHealth();
      await this.reporting;
    }
  }

  /** Stops the container by the spec's grace period; undefined (after a pause) when the stop failed. */
  private async stopContainer(): Promise<TaskExit | undefined> {
    const grace = stopGraceMs(this.task);
    if (this.opts.beforeStop !== undefined && !this.drained) {
      this.drained = true;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((r) => (timer = setTimeout(r, grace)));
      await Promise.race([this.opts.beforeStop(this.task, grace).catch((err: unknown) => this.opts.logger.warn({ task: this.id, err: errorMessage(err) }, "drain before stop failed")), bound]);
      clearTimeout(timer);
    }
    try {
      return await this.ctl.shutdown(grace);
    } catch (err) {
      // SwarmKit's fallback: a container that cannot be stopped gracefully is killed, then the stop retried.
      this.opts.logger.warn({ task: this.id, err: errorMessage(err) }, "stopping the container failed; killing it and retrying");
      await this.ctl.terminate().catch((e: unknown) => this.opts.logger.warn({ task: this.id, err: errorMessage(e) }, "killing the container failed"));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((r) => (timer = setTimeout(r, 1000))), this.wake()]);
      clearTimeout(timer);
      return undefined;
    }
  }

  private startHealth(): void {
    if (this.health !== undefined) return;
    const policy = this.ctl.healthPolicy();
    if (policy === null) return;
    let stop = (): void => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const h: HealthLoop = { active: true, stop, stopped };
    this.health = h;
    void this.healthLoop(policy, h).catch((err: unknown) => this.opts.logger.warn({ task: this.id, err: errorMessage(err) }, "health loop failed"));
  }

  /** Ends the health loop; a probe still in flight is ignored when it returns (it has its own timeout). */
  private stopHealth(): void {
    const h = this.health;
    if (h === undefined) return;
    h.active = false;
    h.stop();
  }

  private async healthLoop(policy: HealthPolicy, h: HealthLoop): Promise<void> {
    let track: HealthTrack = HEALTH_START;
    await this.emit({ type: "health", health: track.health });
    const started = this.startedAt ?? this.opts.clock();
    while (h.active) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, policy.intervalMs))), h.stopped]);
      clearTimeout(timer);
      if (!h.active) return;
      const result = await this.ctl.probe(policy.argv, policy.timeoutMs);
      if (!h.active) return;
      const next = healthAfterCheck(track, result.passed, this.opts.clock() - started, policy);
      if (next.health !== track.health) {
        this.opts.logger.info({ task: this.id, health: next.health, output: result.output }, "task health changed");
        await this.emit({ type: "health", health: next.health, ...(next.health === "UNHEALTHY" ? { output: result.output } : {}) });
      }
      track = next;
      if (track.health === "UNHEALTHY") {
        this.unhealthy = { output: result.output };
        this.poke();
        return;
      }
    }
  }
}

interface HealthLoop {
  active: boolean;
  readonly stop: () => void;
  readonly stopped: Promise<void>;
}
