/** swarmctl init | join | join-token | leave | info — membership of this node; swarm update — cluster settings. */
import type { Command } from "commander";
import type { InitResponse__Output } from "../gen/swarm/daemon/InitResponse.js";
import type { JoinResponse__Output } from "../gen/swarm/daemon/JoinResponse.js";
import type { InfoResponse__Output } from "../gen/swarm/daemon/InfoResponse.js";
import type { GetClusterResponse__Output } from "../gen/swarm/control/GetClusterResponse.js";
import type { ClusterSpec } from "../gen/swarm/api/ClusterSpec.js";
import type { UpdateClusterResponse__Output } from "../gen/swarm/control/UpdateClusterResponse.js";
import { ValidationError } from "../lib/errors.js";
import { callUnary } from "../rpc/grpc.js";
import { parseDurationMs } from "../spec/units.js";
import { controlClient, daemonClient, withClient } from "./client.js";

const JOIN_TIMEOUT_MS = 60_000;

function joinCommand(token: string, addr: string): string {
  return `    swarmctl join --token ${token} ${addr}`;
}

/** The value of --rebalance: true or false, nothing else. */
export function parseRebalance(value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new ValidationError("--rebalance", `"${value}" is not true or false`);
}

/** Registers the membership commands and `swarm update`. */
export function registerSwarmCommands(program: Command): void {
  program
    .command("init")
    .description("Initialize a swarm: this node becomes its first manager")
    .option("--advertise-addr <addr>", "address other nodes reach this node at (host or host:port)", "")
    .option("--listen-addr <addr>", "cluster listen address (default 0.0.0.0:2377)", "")
    .option("--dispatcher-heartbeat <duration>", "heartbeat period of the nodes, e.g. 5s or 500ms", "")
    .option("--default-addr-pool <cidrs>", "address pool(s) the nodes' task subnets are carved from, comma-separated (default 10.0.0.0/8)", "")
    .action(async (o: { advertiseAddr: string; listenAddr: string; dispatcherHeartbeat: string; defaultAddrPool: string }, cmd: Command) => {
      const heartbeatMs = o.dispatcherHeartbeat === "" ? 0 : parseDurationMs("--dispatcher-heartbeat", o.dispatcherHeartbeat);
      const res = await withClient(daemonClient(cmd), (c) =>
        callUnary<InitResponse__Output>((md, opt, cb) => c.Init({ advertiseAddr: o.advertiseAddr, listenAddr: o.listenAddr, dispatcherHeartbeatMs: heartbeatMs, defaultAddrPool: o.defaultAddrPool }, md, opt, cb), JOIN_TIMEOUT_MS),
      );
      process.stdout.write(
        `Swarm initialized: current node (${res.nodeId}) is now a manager.\n\n` +
          `To add a worker to this swarm, run the following command:\n\n${joinCommand(res.joinTokens?.worker ?? "", res.advertiseAddr)}\n\n` +
          `To add a manager to this swarm, run 'swarmctl join-token manager' and follow the instructions.\n`,
      );
    });

  program
    .command("join")
    .description("Join a swarm as a worker or a manager (the token decides)")
    .argument("<host:port>", "address of a manager")
    .requiredOption("--token <token>", "join token (SWMTKN-1-...)")
    .option("--advertise-addr <addr>", "address other nodes reach this node at", "")
    .option("--listen-addr <addr>", "cluster listen address (default 0.0.0.0:2377)", "")
    .action(async (remote: string, o: { token: string; advertiseAddr: string; listenAddr: string }, cmd: Command) => {
      const res = await withClient(daemonClient(cmd), (c) =>
        callUnary<JoinResponse__Output>((md, opt, cb) => c.Join({ remoteAddrs: [remote], joinToken: o.token, advertiseAddr: o.advertiseAddr, listenAddr: o.listenAddr }, md, opt, cb), JOIN_TIMEOUT_MS),
      );
      process.stdout.write(res.role === "MANAGER" ? "This node joined a swarm as a manager.\n" : "This node joined a swarm as a worker.\n");
    });

  program
    .command("join-token")
    .description("Print (or rotate) the join token for workers or managers")
    .argument("<role>", "worker | manager")
    .option("-q, --quiet", "only print the token")
    .option("--rotate", "rotate the token (the old one stops working)")
    .action(async (role: string, o: { quiet?: boolean; rotate?: boolean }, cmd: Command) => {
      if (role !== "worker" && role !== "manager") throw new ValidationError("role", `"${role}" is not worker or manager`);
      const info = await withClient(daemonClient(cmd), (c) => callUnary<InfoResponse__Output>((md, opt, cb) => c.Info({}, md, opt, cb)));
      const cluster = await withClient(controlClient(cmd), async (c) => {
        let got = await callUnary<GetClusterResponse__Output>((md, opt, cb) => c.GetCluster({}, md, opt, cb));
        if (o.rotate === true) {
          const rotation = role === "worker" ? { workerJoinToken: true } : { managerJoinToken: true };
          got = await callUnary<UpdateClusterResponse__Output>((md, opt, cb) => c.UpdateCluster({ clusterVersion: got.cluster?.meta?.version ?? 0, rotation }, md, opt, cb));
        }
        return got.cluster;
      });
      const token = role === "worker" ? cluster?.rootCa?.joinTokens?.worker : cluster?.rootCa?.joinTokens?.manager;
      if (o.quiet === true) {
        process.stdout.write(`${token ?? ""}\n`);
        return;
      }
      if (o.rotate === true) process.stdout.write(`Successfully rotated ${role} join token.\n\n`);
      process.stdout.write(`To add a ${role} to this swarm, run the following command:\n\n${joinCommand(token ?? "", info.nodeAddr)}\n`);
    });

  program
    .command("swarm")
    .description("Manage the swarm's settings")
    .command("update")
    .description("Change cluster settings")
    .option("--rebalance <bool>", "move replicas onto nodes that become available (true|false; default true)")
    .option("--rotate-gossip-key", "make a new gossip encryption key the sending key (the old one is refused after a grace)")
    .action(async (o: { rebalance?: string; rotateGossipKey?: boolean }, cmd: Command) => {
      if (o.rebalance === undefined && o.rotateGossipKey !== true) throw new ValidationError("swarm update", "nothing to change (give --rebalance=true|false or --rotate-gossip-key)");
      const rebalance = o.rebalance === undefined ? undefined : parseRebalance(o.rebalance);
      await withClient(controlClient(cmd), async (c) => {
        const got = await callUnary<GetClusterResponse__Output>((md, opt, cb) => c.GetCluster({}, md, opt, cb));
        const spec: ClusterSpec = got.cluster?.spec ?? {};
        const next = rebalance === undefined ? spec : { ...spec, orchestration: { ...(spec.orchestration ?? {}), rebalance } };
        const rotation = o.rotateGossipKey === true ? { gossipKey: true } : undefined;
        await callUnary<UpdateClusterResponse__Output>((md, opt, cb) => c.UpdateCluster({ clusterVersion: got.cluster?.meta?.version ?? 0, spec: next, ...(rotation === undefined ? {} : { rotation }) }, md, opt, cb));
      });
      if (rebalance !== undefined) process.stdout.write(`Swarm updated: rebalance ${rebalance ? "on" : "off"}.\n`);
      if (o.rotateGossipKey === true) process.stdout.write("Successfully rotated the gossip key.\n");
    });

  program
    .command("leave")
    .description("Leave the swarm")
    .option("-f, --force", "leave even if this node is a manager")
    .action(async (o: { force?: boolean }, cmd: Command) => {
      await withClient(daemonClient(cmd), (c) => callUnary((md, opt, cb) => c.Leave({ force: o.force === true }, md, opt, cb), JOIN_TIMEOUT_MS));
      process.stdout.write("Node left the swarm.\n");
    });

  program
    .command("info")
    .description("Show this node's swarm membership")
    .option("--format <format>", "json for machine-readable output")
    .action(async (o: { format?: string }, cmd: Command) => {
      const info = await withClient(daemonClient(cmd), (c) => callUnary<InfoResponse__Output>((md, opt, cb) => c.Info({}, md, opt, cb)));
      if (o.format === "json") {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        [
          `Swarm: ${info.state.toLowerCase()}`,
          ` NodeID: ${info.nodeId}`,
          ` ClusterID: ${info.clusterId}`,
          ` Is Manager: ${info.controlAvailable}`,
          ` Node Address: ${info.nodeAddr}`,
          ` Managers: ${info.managers.join(", ")}`,
        ].join("\n") + "\n",
      );
    });
}
