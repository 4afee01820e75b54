/** Binding the host side of published ports: one TCP server or UDP socket per port, clear errors. */
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { createServer, isIPv6, type Server } from "node:net";
import { PortInUseError } from "./errors.js";
import { findPortHolder } from "./port-holder.js";

/** Opens a TCP listener whose connections arrive paused, half-open allowed. Rejects with PortInUseError. */
export async function listenTcp(address: string, port: number): Promise<Server> {
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: address, port, backlog: 1024 }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    throw await translateBindError(err, port, "tcp", address);
  }
  return server;
}

/** Binds a UDP socket on the port. Rejects with PortInUseError. */
export async function bindUdp(address: string, port: number): Promise<DgramSocket> {
  const socket = createSocket({ type: isIPv6(address) ? "udp6" : "udp4" });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    try {
      socket.close();
    } catch {
      // never bound
    }
    throw await translateBindError(err, port, "udp", address);
  }
  return socket;
}

async function translateBindError(err: unknown, port: number, protocol: "tcp" | "udp", address: string): Promise<unknown> {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== "EADDRINUSE") return err;
  const holder = await findPortHolder(port, protocol);
  return new PortInUseError({ port, protocol, address, cause: err, ...(holder ? { holder } : {}) });
}
