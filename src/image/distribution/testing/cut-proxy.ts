/** Test support: a loopback TCP proxy that cuts a connection mid-stream, to exercise resumption. */
import { connect, createServer, type Server as NetServer, type Socket } from "node:net";

/** A running proxy: its port and how many connections it cut. */
export interface CuttingProxy {
  readonly port: number;
  readonly cuts: number;
  close(): Promise<void>;
}

/** A TCP proxy that cuts its first connection after `cutAfter` bytes from the server; later ones pass. */
export async function cuttingProxy(target: number, cutAfter: number): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  const state = { port: 0, cuts: 0, connections: 0, close: async (): Promise<void> => undefined };
  const srv: NetServer = createServer((down) => {
    const first = state.connections++ === 0;
    const up = connect(target, "127.0.0.1");
    sockets.add(down).add(up);
    let passed = 0;
    down.on("data", (d: Buffer) => up.write(d));
    up.on("data", (d: Buffer) => {
      passed += d.length;
      if (first && passed > cutAfter) {
        state.cuts++;
        down.destroy();
        up.destroy();
        return;
      }
      down.write(d);
    });
    const end = (): void => {
      down.destroy();
      up.destroy();
    };
    down.on("error", end).on("close", end);
    up.on("error", end).on("close", end);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  state.port = (srv.address() as { port: number }).port;
  state.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    });
  return state;
}
