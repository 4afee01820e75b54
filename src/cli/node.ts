/** swarmctl node ls | inspect | update | promote | demote | rm. */
import type { Command } from "commander";
import type { Node__Output } from "../gen/swarm/api/Node.js";
import type { ControlClient } from "../gen/swarm/control/Control.js";
import type { GetNodeResponse__Output } from "../gen/swarm/control/GetNodeResponse.js";
import type { ListNodesResponse__Output } from "../gen/swarm/control/ListNodesResponse.js";
import type { InfoResponse__Output } from "../gen/swarm/daemon/InfoResponse.js";
import { applyNodeUpdate, type NodeUpdateFlags } from "./node-flags.js";
import { callUnary } from "../rpc/grpc.js";
import { controlClient, daemonClient, withClient } from "./client.js";
import { FILTER_KEYS, filterNodes, parseFilters } from "./filters.js";
import { dockerNode, renderInspect } from "./inspect.js";
import { printList, type Columns, type ListOptions } from "./list-output.js";

const title = (s: string): string => (s === "" ? "" : s[0] + s.slice(1).toLowerCase());

/**
 * The MANAGER STATUS column: Leader, Reachable, Unreachable, or empty for workers (Docker's values), and
 * "Catching up" for a manager that joined Raft as a learner and is not yet a voter (it is in contact
 * but not counted for quorum; an unreachable learner shows Unreachable).
 */
export function managerStatusColumn(node: Node__Output): string {
  const ms = node.managerStatus;
  if (ms == null || ms.raftId === 0) return "";
  if (ms.leader) return "Leader";
  if (ms.learner && ms.reachability === "REACHABLE") return "Catching up";
  return title(ms.reachability);
}

/** One `node ls` row, keyed by Docker's template field names. */
export interface NodeRow {
  readonly ID: string;
  readonly Self: boolean;
  readonly Hostname: string;
  readonly Status: string;
  readonly Availability: string;
  readonly ManagerStatus: string;
  readonly EngineVersion: string;
}

// Docker's default adds ENGINE VERSION; ours keeps it to templates ({{.EngineVersion}}) so the table's
// columns stay as scripts parsing it expect.
const NODE_COLUMNS: Columns<NodeRow> = [["ID", "ID"], ["HOSTNAME", "Hostname"], ["STATUS", "Status"], ["AVAILABILITY", "Availability"], ["MANAGER STATUS", "ManagerStatus"]];

/** A `node ls` row; the ID of this node ends in " *", as Docker's. */
export function nodeRow(n: Node__Output, selfId: string): NodeRow {
  return {
    ID: n.id === selfId ? `${n.id} *` : n.id,
    Self: n.id === selfId,
    Hostname: n.description?.hostname ?? "",
    Status: title(n.status?.state ?? "UNKNOWN"),
    Availability: title(n.spec?.availability ?? "ACTIVE"),
    ManagerStatus: managerStatusColumn(n),
    EngineVersion: n.description?.engine?.engineVersion ?? "",
  };
}

async function getNode(c: ControlClient, ref: string): Promise<Node__Output> {
  const res = await callUnary<GetNodeResponse__Output>((md, o, cb) => c.GetNode({ nodeId: ref }, md, o, cb));
  return res.node!;
}

async function updateNode(cmd: Command, refs: readonly string[], flags: NodeUpdateFlags): Promise<void> {
  await withClient(controlClient(cmd), async (c) => {
    for (const ref of refs) {
      const node = await getNode(c, ref);
      const spec = applyNodeUpdate(node.spec!, flags);
      await callUnary((md, o, cb) => c.UpdateNode({ nodeId: node.id, nodeVersion: node.meta?.version ?? 0, spec }, md, o, cb));
      process.stdout.write(`${ref}\n`);
    }
  });
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Registers the node commands. */
export function registerNodeCommands(program: Command): void {
  const node = program.command("node").description("Manage swarm nodes");

  node
    .command("ls")
    .description("List nodes in the swarm")
    .option("-f, --filter <filter>", "filter output based on conditions provided (repeatable)", collect, [])
    .option("--format <format>", "format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')")
    .option("-q, --quiet", "only display IDs")
    .action(async (o: ListOptions & { filter: string[] }, cmd: Command) => {
      const filters = parseFilters(o.filter, FILTER_KEYS.node);
      const self = await withClient(daemonClient(cmd), (c) => callUnary<InfoResponse__Output>((md, opt, cb) => c.Info({}, md, opt, cb)));
      const { nodes } = await withClient(controlClient(cmd), (c) => callUnary<ListNodesResponse__Output>((md, opt, cb) => c.ListNodes({}, md, opt, cb)));
      const kept = filterNodes(nodes, filters).sort((a, b) => (a.description?.hostname ?? "").localeCompare(b.description?.hostname ?? ""));
      const rows = kept.map((n) => nodeRow(n, self.nodeId));
      // -q prints bare ids (the "*" marks this node only in the table).
      printList(o.quiet === true ? kept.map((n) => ({ ...nodeRow(n, ""), ID: n.id })) : rows, NODE_COLUMNS, o);
    });

  node
    .command("inspect")
    .description("Show a node's details as JSON")
    .argument("<node...>", "node id, hostname or id prefix; 'self' for this node")
    .option("-f, --format <format>", "format output using a custom template ('json', 'TEMPLATE')")
    .option("--raw", "print the objects as the control API returns them (swarm's own field names)")
    .action(async (refs: string[], o: { format?: string; raw?: boolean }, cmd: Command) => {
      const self = refs.includes("self") ? await withClient(daemonClient(cmd), (c) => callUnary<InfoResponse__Output>((md, opt, cb) => c.Info({}, md, opt, cb))) : undefined;
      const nodes = await withClient(controlClient(cmd), (c) => Promise.all(refs.map((r) => getNode(c, r === "self" ? (self?.nodeId ?? r) : r))));
      process.stdout.write(o.raw === true ? `${JSON.stringify(nodes, null, 2)}\n` : renderInspect(nodes.map(dockerNode), o.format));
    });

  node
    .command("update")
    .description("Update a node's availability and labels")
    .argument("<node>", "node id, hostname or id prefix")
    .option("--availability <availability>", "active | pause | drain")
    .option("--label-add <key=value>", "add or update a label (repeatable)", collect, [])
    .option("--label-rm <key>", "remove a label (repeatable)", collect, [])
    .action(async (ref: string, o: { availability?: string; labelAdd: string[]; labelRm: string[] }, cmd: Command) => {
      await updateNode(cmd, [ref], { availability: o.availability, labelAdd: o.labelAdd, labelRm: o.labelRm });
    });

  node
    .command("promote")
    .description("Promote workers to managers")
    .argument("<node...>")
    .action(async (refs: string[], _o: unknown, cmd: Command) => updateNode(cmd, refs, { role: "manager" }));

  node
    .command("demote")
    .description("Demote managers to workers")
    .argument("<node...>")
    .action(async (refs: string[], _o: unknown, cmd: Command) => updateNode(cmd, refs, { role: "worker" }));

  node
    .command("rm")
    .description("Remove nodes from the swarm (down ones, or any with --force)")
    .argument("<node...>")
    .option("-f, --force", "remove a node that is not down")
    .action(async (refs: string[], o: { force?: boolean }, cmd: Command) => {
      await withClient(controlClient(cmd), async (c) => {
        for (const ref of refs) {
          await callUnary((md, opt, cb) => c.RemoveNode({ nodeId: ref, force: o.force === true }, md, opt, cb));
          process.stdout.write(`${ref}\n`);
        }
      });
    });
}
