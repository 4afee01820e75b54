/** Errors of the routing mesh, each with a stable code and a message naming the port and the culprit. */
import { SwarmError } from "../lib/errors.js";
import type { Protocol } from "./types.js";

/** Stable codes of mesh errors. */
export const MeshErrorCode = {
  PortInUse: "MESH_PORT_IN_USE",
  NoBackend: "MESH_NO_BACKEND",
  Closed: "MESH_CLOSED",
} as const;
/** One of {@link MeshErrorCode}. */
export type MeshErrorCode = (typeof MeshErrorCode)[keyof typeof MeshErrorCode];

/** What holds a host port, when the mesh can tell (from /proc). */
export interface PortHolder {
  readonly pid: number;
  readonly command: string;
}

/** A published port is already bound on this host by something else. */
export class PortInUseError extends SwarmError {
  readonly port: number;
  readonly protocol: Protocol;
  readonly address: string;
  readonly holder: PortHolder | undefined;
  constructor(args: { port: number; protocol: Protocol; address: string; holder?: PortHolder; cause?: unknown }) {
    const who = args.holder ? `held by ${args.holder.command} (pid ${args.holder.pid})` : "held by another socket";
    super(
      MeshErrorCode.PortInUse,
      `published port ${args.port}/${args.protocol}: address ${args.address}:${args.port} is already in use on this host, ${who}`,
      { cause: args.cause, fields: { port: args.port, protocol: args.protocol, address: args.address, holder: args.holder } },
    );
    this.port = args.port;
    this.protocol = args.protocol;
    this.address = args.address;
    this.holder = args.holder;
  }
}

/** The mesh was closed; it accepts no more changes. */
export class MeshClosedError extends SwarmError {
  constructor(operation: string) {
    super(MeshErrorCode.Closed, `mesh: ${operation} called after close()`, { fields: { operation } });
  }
}
