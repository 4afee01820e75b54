/** The leader-only components and the switch that runs them while this manager leads. */
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";

/** A component that runs only on the leader (orchestrators, scheduler, reaper, role manager…). */
export interface LeaderComponent {
  start(): void;
  stop(): Promise<void> | void;
}

/** Starts the leader-only components on gaining leadership and stops them on losing it, one change at a time. */
export class LeaderRole {
  private running: LeaderComponent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private want = false;

  constructor(
    private readonly build: () => LeaderComponent[],
    private readonly log: Logger,
  ) {}

  set(isLeader: boolean): Promise<void> {
    this.want = isLeader;
    this.chain = this.chain.then(async () => {
      if (this.want && this.running.length === 0) {
        this.running = this.build();
        for (const c of this.running) c.start();
        if (this.running.length > 0) this.log.info({ components: this.running.length }, "leader components started");
      } else if (!this.want && this.running.length > 0) {
        const stopping = this.running;
        this.running = [];
        await Promise.all(stopping.map(async (c) => c.stop()));
        this.log.info("leader components stopped");
      }
    }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, "leader components failed to change state"));
    return this.chain;
  }
}
