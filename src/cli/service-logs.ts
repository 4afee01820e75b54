/**
 * `swarmctl service logs [-f] [--tail N] [--since T] [-t] SERVICE|TASK`: the logs of a service's tasks
 * (or one task), through the managers' log broker (proto/logs.proto). Lines go to stdout or stderr as the
 * container wrote them, prefixed Docker-style with `<service>.<slot>.<task id>@<node>    | `.
 */
import type { Command } from "commander";
import type { GetServiceResponse__Output } from "../gen/swarm/control/GetServiceResponse.js";
import type { GetTaskResponse__Output } from "../gen/swarm/control/GetTaskResponse.js";
import type { LogMessage__Output } from "../gen/swarm/logs/LogMessage.js";
import type { SubscribeLogsMessage__Output } from "../gen/swarm/logs/SubscribeLogsMessage.js";
import { parseDurationMs } from "../spec/units.js";
import { ErrorCode, SwarmError, ValidationError } from "../lib/errors.js";
import { callUnary, RemoteCallError } from "../rpc/grpc.js";
import { controlClient, logsClient, withClient } from "./client.js";

/**
 * `--since` as Unix milliseconds: a duration back from `now` ("10m", "1h30m"), an RFC 3339 time, or
 * Unix seconds (as Docker accepts).
 */
export function parseSince(text: string, now: number): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const t = Date.parse(s.replace(/(\.\d{3})\d+/, "$1"));
    if (Number.isNaN(t)) throw new ValidationError("--since", `${JSON.stringify(text)} is not a valid RFC 3339 time`);
    return t;
  }
  try {
    return now - parseDurationMs("--since", s);
  } catch {
    throw new ValidationError("--since", `${JSON.stringify(text)} is neither a duration ("10m"), an RFC 3339 time nor Unix seconds`);
  }
}

/** `--tail`: "all" or a non-negative integer; -1 = all. */
export function parseTail(text: string): number {
  if (text === "all") return -1;
  if (!/^\d+$/.test(text)) throw new ValidationError("--tail", `${JSON.stringify(text)} is not a number of lines or "all"`);
  return Number(text);
}

/** The prefix of a line: `<task name>.<task id>@<node hostname>`. */
export function linePrefix(m: LogMessage__Output): string {
  const c = m.context;
  return `${c?.taskName ?? ""}.${(c?.taskId ?? "").slice(0, 12)}@${c?.nodeHostname ?? ""}`;
}

function print(m: LogMessage__Output, timestamps: boolean): void {
  const text = Buffer.from(m.data).toString("utf8");
  const time = timestamps ? `${new Date(Number(m.timeMs)).toISOString()} ` : "";
  (m.stream === "stderr" ? process.stderr : process.stdout).write(`${time}${linePrefix(m)}    | ${text}\n`);
}

async function resolveSelector(cmd: Command, ref: string): Promise<{ serviceIds: string[]; taskIds: string[] }> {
  return withClient(controlClient(cmd), async (c) => {
    try {
      const { service } = await callUnary<GetServiceResponse__Output>((md, o, cb) => c.GetService({ serviceId: ref }, md, o, cb));
      return { serviceIds: [service?.id ?? ref], taskIds: [] };
    } catch (err) {
      if (!(err instanceof RemoteCallError && err.code === ErrorCode.NotFound)) throw err;
    }
    try {
      const { task } = await callUnary<GetTaskResponse__Output>((md, o, cb) => c.GetTask({ taskId: ref }, md, o, cb));
      return { serviceIds: [], taskIds: [task?.id ?? ref] };
    } catch (err) {
      if (err instanceof RemoteCallError && err.code === ErrorCode.NotFound) throw new SwarmError(ErrorCode.NotFound, `no such service or task: ${ref}`);
      throw err;
    }
  });
}

interface LogsFlags {
  follow?: boolean;
  tail: string;
  since?: string;
  timestamps?: boolean;
}

async function logs(cmd: Command, ref: string, o: LogsFlags): Promise<void> {
  const tail = parseTail(o.tail);
  const sinceMs = o.since === undefined ? 0 : parseSince(o.since, Date.now());
  const selector = await resolveSelector(cmd, ref);
  const follow = o.follow === true;
  const client = logsClient(cmd);
  const collected: LogMessage__Output[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = client.subscribeLogs({ selector, options: { follow, tail, sinceMs } });
      stream.on("data", (m: SubscribeLogsMessage__Output) => {
        for (const w of m.warnings) process.stderr.write(`warning: ${w}\n`);
        // Without --follow the lines of all tasks are printed in time order at the end.
        if (follow) for (const l of m.messages) print(l, o.timestamps === true);
        else collected.push(...m.messages);
      });
      stream.on("end", () => resolve());
      stream.on("error", (err) => reject(new RemoteCallError(err as never)));
      const stop = (): void => stream.cancel();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  } catch (err) {
    if (!(err instanceof RemoteCallError && follow && /cancel/i.test(err.message))) throw err;
  } finally {
    client.close();
  }
  collected.sort((a, b) => Number(a.timeMs) - Number(b.timeMs));
  for (const l of collected) print(l, o.timestamps === true);
}

/** Registers `service logs` on the program's `service` command. */
export function registerServiceLogsCommand(program: Command): void {
  const service = program.commands.find((x) => x.name() === "service") ?? program.command("service");
  service
    .command("logs")
    .description("Fetch the logs of a service or task")
    .argument("<service|task>")
    .option("-f, --follow", "follow the output (also of tasks started later)")
    .option("-n, --tail <lines>", 'number of lines to show from the end of each task\'s log, or "all"', "all")
    .option("--since <time>", 'only lines since a time: a duration ("10m"), RFC 3339, or Unix seconds')
    .option("-t, --timestamps", "show timestamps")
    .action(async (ref: string, o: LogsFlags, cmd: Command) => logs(cmd, ref, o));
}
