/**
 * The node's side of the log broker (src/manager/logbroker.ts): keeps a ListenSubscriptions stream open
 * to the leader (a {@link LeaderStream}, as the dispatcher session's), and for each subscription publishes
 * the lines of the matching tasks this node's agent has, in batches, then `close` (or, when following,
 * keeps publishing, also for tasks that start later, until the subscription closes). It reads a task's
 * log only as fast as the broker takes it: when the publish stream's buffer is full, the pump waits for
 * 'drain' (the broker pauses a node's stream while its subscriber is slow), so nothing buffers unbounded.
 */
import type { ClientWritableStream } from "@grpc/grpc-js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { LogMessage } from "../gen/swarm/logs/LogMessage.js";
import type { PublishLogsMessage } from "../gen/swarm/logs/PublishLogsMessage.js";
import type { SubscriptionMessage__Output } from "../gen/swarm/logs/SubscriptionMessage.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { logTimeMs, type TaskLogLine, type TaskLogOptions } from "./task-logs.js";

import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentityProvider } from "../ca/tls.js";
import { LeaderStream, type LeaderConnection } from "./leader-stream.js";
import { protos } from "../rpc/services.js";

/** What the publisher reads: the agent. */
export interface LogSource {
  tasks(): Task__Output[];
  logsOf(taskId: string, options: TaskLogOptions): AsyncIterable<TaskLogLine>;
}

/** Options of {@link LogPublisher}. */
export interface LogPublisherOptions {
  readonly tls: TlsIdentityProvider;
  readonly managers: () => string[];
  readonly agent: LogSource;
  readonly logger: Logger;
  /** How often a follow looks for newly assigned tasks (default 250 ms). */
  readonly rescanMs?: number;
}

/** Sends one message; resolves when the stream can take more (undefined: it can now). */
type Publish = (m: PublishLogsMessage) => Promise<void> | undefined;

const BATCH_LINES = 200;
const BATCH_DELAY_MS = 30;

/** See the module comment. */
export class LogPublisher {
  private readonly listen: LeaderStream<SubscriptionMessage__Output>;
  private readonly active = new Map<string, AbortController>();

  constructor(private readonly o: LogPublisherOptions) {
    // The broker sends nothing until someone asks for logs: a silent stream is normal here.
    this.listen = new LeaderStream({ what: "log subscription stream", managers: o.managers, logger: o.logger, open: (addr) => this.open(addr) });
  }

  /** Connects (and keeps reconnecting until stop). */
  start(): void {
    this.listen.start();
  }

  private open(addr: string): LeaderConnection<SubscriptionMessage__Output> {
    const client = new protos.logs.LogBroker(addr, managerChannelCredentials(this.o.tls), MANAGER_TARGET_OPTIONS);
    let pub: ClientWritableStream<PublishLogsMessage> | undefined;
    const publish: Publish = (m) => {
      const stream = (pub ??= client.publishLogs((err) => {
        if (err !== null) this.o.logger.warn({ err: errorMessage(err) }, "log publish stream ended");
        pub = undefined;
      }));
      if (stream.write(m)) return undefined;
      return new Promise<void>((resolve) => {
        stream.once("drain", resolve);
        stream.once("close", resolve);
      });
    };
    return {
      stream: client.listenSubscriptions({}),
      onMessage: (m) => {
        if (m.close) {
          this.active.get(m.id)?.abort();
          this.active.delete(m.id);
        } else if (!this.active.has(m.id)) {
          void this.serve(m, publish).catch((err: unknown) => this.o.logger.warn({ subscription: m.id, err: errorMessage(err) }, "log subscription failed"));
        }
      },
      // Subscriptions of a gone stream are the broker's to forget; a new stream gets them again.
      close: () => {
        for (const ac of this.active.values()) ac.abort();
        this.active.clear();
        pub?.end();
        client.close();
      },
    };
  }

  private async serve(sub: SubscriptionMessage__Output, publish: Publish): Promise<void> {
    const ac = new AbortController();
    this.active.set(sub.id, ac);
    const services = new Set(sub.selector?.serviceIds ?? []);
    const ids = new Set(sub.selector?.taskIds ?? []);
    const follow = sub.options?.follow === true;
    const tail = Number(sub.options?.tail ?? -1);
    const since = Number(sub.options?.sinceMs ?? 0);
    const started = new Set<string>();
    const pumps: Promise<void>[] = [];
    const scan = (initial: boolean): void => {
      for (const t of this.o.agent.tasks()) {
        if (started.has(t.id) || !(services.has(t.serviceId) || ids.has(t.id))) continue;
        started.add(t.id);
        // Tasks that start during a follow are read from their first line.
        const options: TaskLogOptions = { follow, signal: ac.signal, ...(initial && tail >= 0 ? { tail } : {}), ...(since > 0 ? { since } : {}) };
        pumps.push(this.pump(sub.id, t.id, options, publish));
      }
    };
    scan(true);
    if (follow) {
      const every = this.o.rescanMs ?? 250;
      while (!ac.signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, every);
          ac.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (!ac.signal.aborted) scan(false);
      }
    }
    await Promise.all(pumps);
    if (!ac.signal.aborted) void publish({ subscriptionId: sub.id, close: true });
    this.active.delete(sub.id);
  }

  private async pump(subscriptionId: string, taskId: string, options: TaskLogOptions, publish: Publish): Promise<void> {
    let batch: LogMessage[] = [];
    let timer: NodeJS.Timeout | undefined;
    let full: Promise<void> | undefined;
    const flush = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (batch.length === 0 || options.signal?.aborted === true) return;
      full = publish({ subscriptionId, messages: batch }) ?? full;
      batch = [];
    };
    try {
      for await (const line of this.o.agent.logsOf(taskId, options)) {
        if (full !== undefined) {
          await full;
          full = undefined;
        }
        batch.push({ context: { taskId }, timeMs: logTimeMs(line.time), stream: line.stream, data: Buffer.from(line.text, "utf8") });
        if (batch.length >= BATCH_LINES) flush();
        else timer ??= setTimeout(flush, BATCH_DELAY_MS);
      }
    } catch (err) {
      if (options.signal?.aborted !== true) void publish({ subscriptionId, warnings: [`logs of task ${taskId} could not be read: ${errorMessage(err)}`] });
    } finally {
      flush();
    }
  }

  /** Stops every subscription and the stream. Safe to call twice. */
  stop(): void {
    this.listen.stop();
  }
}
