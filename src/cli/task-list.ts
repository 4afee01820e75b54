/**
 * `service ps` and `node ps`: tasks as Docker lists them. `taskRows` (pure) turns tasks into rows with
 * Docker's field names (ID, Name, Image, Node, DesiredState, CurrentState, Error, Ports); the
 * commands fetch, filter (--filter) and print them.
 */
import type { Command } from "commander";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { ControlClient } from "../gen/swarm/control/Control.js";
import type { GetServiceResponse__Output } from "../gen/swarm/control/GetServiceResponse.js";
import type { ListNodesResponse__Output } from "../gen/swarm/control/ListNodesResponse.js";
import type { ListServicesResponse__Output } from "../gen/swarm/control/ListServicesResponse.js";
import type { ListTasksResponse__Output } from "../gen/swarm/control/ListTasksResponse.js";
import type { InfoResponse__Output } from "../gen/swarm/daemon/InfoResponse.js";
import { callUnary } from "../rpc/grpc.js";
import { taskStateDisplayName } from "../spec/task-state.js";
import { controlClient, daemonClient, withClient } from "./client.js";
import { FILTER_KEYS, filterTasks, parseFilters } from "./filters.js";
import { printList, type Columns, type ListOptions } from "./list-output.js";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** One `service ps` row, keyed by Docker's template field names. */
export interface TaskRow {
  readonly ID: string;
  readonly Name: string;
  readonly Image: string;
  readonly Node: string;
  readonly DesiredState: string;
  readonly CurrentState: string;
  readonly Error: string;
  readonly Ports: string;
}

/** The default `service ps` columns: header → field. */
export const TASK_COLUMNS: Columns<TaskRow> = [
  ["ID", "ID"], ["NAME", "Name"], ["IMAGE", "Image"], ["NODE", "Node"], ["DESIRED STATE", "DesiredState"],
  ["CURRENT STATE", "CurrentState"], ["ERROR", "Error"], ["PORTS", "Ports"],
];

/** What rows need besides the tasks. */
export interface TaskContext {
  readonly nodeNames: ReadonlyMap<string, string>;
  readonly serviceNames: ReadonlyMap<string, string>;
  readonly now: number;
  readonly noTrunc?: boolean;
}

/** "web.1" for a replicated task, "web.<node id>" for a global one (Docker's task names). */
export function taskName(t: Task__Output, serviceNames: ReadonlyMap<string, string>): string {
  return `${serviceNames.get(t.serviceId) ?? t.serviceId}.${Number(t.slot) > 0 ? String(t.slot) : t.nodeId}`;
}

/**
 * Docker's units.HumanDuration ("Less than a second", "About a minute", "5 minutes", "About an hour",
 * "3 hours", "2 days", "3 weeks", "4 months", "2 years"), from milliseconds.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  // Go rounds the hours (math.Round(d.Hours())) but truncates seconds and minutes.
  const hours = Math.round(ms / 3_600_000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** Sorts as Docker's `service ps`: by service, slot, newest first; older tasks of a slot are `\_` history. */
export function taskRows(tasks: readonly Task__Output[], ctx: TaskContext): TaskRow[] {
  const sorted = [...tasks].sort(
    (a, b) =>
      (ctx.serviceNames.get(a.serviceId) ?? "").localeCompare(ctx.serviceNames.get(b.serviceId) ?? "") ||
      Number(a.slot) - Number(b.slot) ||
      // A global service's tasks have slot 0 and are named by node; a replicated slot's history spans
      // nodes (a replacement elsewhere), so there the newest task must come first whatever its node.
      (Number(a.slot) === 0 ? a.nodeId.localeCompare(b.nodeId) : 0) ||
      Number(b.meta?.createdAt ?? 0) - Number(a.meta?.createdAt ?? 0),
  );
  const seenSlots = new Set<string>();
  return sorted.map((t) => {
    const name = taskName(t, ctx.serviceNames);
    const first = !seenSlots.has(name);
    seenSlots.add(name);
    const image = (t.spec?.container?.image ?? "").replace(/@sha256:[0-9a-f]+$/, "");
    const ago = Math.max(0, ctx.now - Number(t.status?.timestamp ?? 0));
    return {
      ID: ctx.noTrunc === true ? t.id : t.id.slice(0, 12),
      Name: first ? name : ` \\_ ${name}`,
      Image: image,
      Node: ctx.nodeNames.get(t.nodeId) ?? "",
      DesiredState: taskStateDisplayName(t.desiredState),
      // Docker: "Running 5 minutes ago"; the state word stays lower-case here (scripts parse it).
      CurrentState: `${taskStateDisplayName(t.status?.state ?? "NEW")} ${humanDuration(ago).toLowerCase()} ago`,
      // As Docker: a task left pending shows why ("no suitable node (…)").
      Error: t.status?.err || (t.status?.state === "PENDING" && t.status.message.startsWith("no suitable node") ? t.status.message : "") || movedFrom(t),
      // As Docker: only host-mode ports belong to a task (ingress ports are the service's).
      Ports: (t.endpoint?.ports ?? []).filter((p) => p.publishMode === "HOST").map((p) => `*:${p.publishedPort}->${p.targetPort}/${p.protocol.toLowerCase()}`).join(","),
    };
  });
}

/**
 * "rebalanced from h2" for a task the leader's rebalancer moved: the label swarm.rebalance.from
 * (REBALANCE_FROM_LABEL in src/manager/orchestrator/tasks.ts, which the CLI may not import).
 */
function movedFrom(t: Task__Output): string {
  const from = t.annotations?.labels["swarm.rebalance.from"];
  return from === undefined || from === "" ? "" : `rebalanced from ${from}`;
}

async function listTasks(c: ControlClient, filters: { serviceIds?: string[]; nodeIds?: string[] }): Promise<Task__Output[]> {
  return (await callUnary<ListTasksResponse__Output>((md, o, cb) => c.ListTasks({ filters }, md, o, cb))).tasks;
}

async function nodeNames(c: ControlClient): Promise<Map<string, string>> {
  const { nodes } = await callUnary<ListNodesResponse__Output>((md, o, cb) => c.ListNodes({}, md, o, cb));
  return new Map(nodes.map((n) => [n.id, n.description?.hostname ?? n.id]));
}

interface PsOptions extends ListOptions {
  readonly filter: string[];
  /** commander's value of `--no-trunc`. */
  readonly trunc?: boolean;
}

/** Filters (`--filter`), then prints the tasks' rows as the options say. */
function printTasks(tasks: readonly Task__Output[], o: PsOptions, nodes: ReadonlyMap<string, string>, services: ReadonlyMap<string, string>): void {
  const filters = parseFilters(o.filter, FILTER_KEYS.task);
  const kept = filterTasks(tasks, filters, { taskName: (t) => taskName(t, services), nodeName: (t) => nodes.get(t.nodeId) ?? "" });
  const rows = taskRows(kept, { nodeNames: nodes, serviceNames: services, now: Date.now(), noTrunc: o.trunc === false });
  printList(rows, TASK_COLUMNS, o);
}

function psOptions(cmd: Command): Command {
  return cmd
    .option("-f, --filter <filter>", "filter output based on conditions provided (repeatable)", collect, [])
    .option("--format <format>", "format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')")
    .option("--no-trunc", "do not truncate output")
    .option("-q, --quiet", "only display task IDs");
}

/** Registers `service ps` on `service` and `node ps` on `node`. */
export function registerTaskListCommands(service: Command, node: Command): void {
  psOptions(service.command("ps").description("List the tasks of one or more services").argument("<service...>"))
    .action(async (refs: string[], o: PsOptions, cmd: Command) => {
      await withClient(controlClient(cmd), async (c) => {
        const services = await Promise.all(refs.map(async (r) => (await callUnary<GetServiceResponse__Output>((md, opt, cb) => c.GetService({ serviceId: r }, md, opt, cb))).service!));
        const tasks = await listTasks(c, { serviceIds: services.map((s) => s.id) });
        printTasks(tasks, o, await nodeNames(c), new Map(services.map((s) => [s.id, s.spec?.annotations?.name ?? s.id])));
      });
    });

  psOptions(node.command("ps").description("List tasks running on one or more nodes, defaults to the current node").argument("[node...]"))
    .action(async (refs: string[], o: PsOptions, cmd: Command) => {
      // As Docker: no NODE means this node ("self").
      const want = refs.length === 0 ? ["self"] : refs;
      const self = want.includes("self") ? (await withClient(daemonClient(cmd), (c) => callUnary<InfoResponse__Output>((md, opt, cb) => c.Info({}, md, opt, cb)))).nodeId : "";
      await withClient(controlClient(cmd), async (c) => {
        const names = await nodeNames(c);
        const ids = want.map((r) => (r === "self" ? self : ([...names].find(([id, name]) => id === r || name === r)?.[0] ?? [...names.keys()].find((id) => id.startsWith(r)) ?? r)));
        const tasks = await listTasks(c, { nodeIds: ids });
        const { services } = await callUnary<ListServicesResponse__Output>((md, opt, cb) => c.ListServices({}, md, opt, cb));
        printTasks(tasks, o, names, new Map(services.map((s) => [s.id, s.spec?.annotations?.name ?? s.id])));
      });
    });
}
