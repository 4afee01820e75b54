/**
 * The gRPC service handles of proto/ (client constructors and `.service` definitions), loaded on first
 * use: a swarmctl call is a fresh process and loads only the protos it speaks. Servers (manager,
 * daemon) and clients (worker side, CLI, image distribution) take them from here, so no side imports
 * the other's modules for a handle.
 */
import type { ProtoGrpcType as CaProto } from "../gen/ca.js";
import type { ProtoGrpcType as ControlProto } from "../gen/control.js";
import type { ProtoGrpcType as DaemonProto } from "../gen/daemon.js";
import type { ProtoGrpcType as DispatcherProto } from "../gen/dispatcher.js";
import type { ProtoGrpcType as ImagesProto } from "../gen/images.js";
import type { ProtoGrpcType as LogsProto } from "../gen/logs.js";
import type { ProtoGrpcType as MembershipProto } from "../gen/membership.js";
import { loadProto } from "../lib/proto.js";

function load<T>(file: string, pick: (root: never) => T): T {
  let v = cache.get(file) as T | undefined;
  if (v === undefined) {
    v = pick(loadProto<never>(file));
    cache.set(file, v);
  }
  return v;
}

const cache = new Map<string, unknown>();

/** The service packages, each loaded on first access (`new protos.dispatcher.Dispatcher(addr, creds)`). */
export const protos = {
  /** `swarm.daemon` (the node's local socket: Info/Init/Join/Leave). */
  get daemon() {
    return load("daemon.proto", (p: DaemonProto) => p.swarm.daemon);
  },
  /** `swarm.control` (the cluster control API). */
  get control() {
    return load("control.proto", (p: ControlProto) => p.swarm.control);
  },
  /** `swarm.dispatcher` (heartbeats, assignments, status, routes). */
  get dispatcher() {
    return load("dispatcher.proto", (p: DispatcherProto) => p.swarm.dispatcher);
  },
  /** `swarm.logs` (`service logs`: subscribers and publishing nodes). */
  get logs() {
    return load("logs.proto", (p: LogsProto) => p.swarm.logs);
  },
  /** `swarm.membership` (a manager joining Raft). */
  get membership() {
    return load("membership.proto", (p: MembershipProto) => p.swarm.membership);
  },
  /** `swarm.ca` (NodeCA: joins and certificate renewal). */
  get ca() {
    return load("ca.proto", (p: CaProto) => p.swarm.ca);
  },
  /** `swarm.images` (image blobs between nodes). */
  get images() {
    return load("images.proto", (p: ImagesProto) => p.swarm.images);
  },
};
