/**
 * The mesh's native TCP relay: one `swarm-runtime relay` process (native/src/relay.c) that connects
 * where the mesh tells it and copies the bytes of the mesh's TCP connections in C, outside Node's
 * event loop. Every decision stays here: the forwarder chooses the backend, retries the next one
 * after a failed connect and counts connections; the relay reports connected / failed / closed.
 *
 * Hand-over: the mesh sends the accepted (paused) client socket's descriptor number; the relay takes
 * a copy of it with pidfd_getfd(2), and the mesh closes its own copy at the relay's first answer.
 * A connection the relay could not take (no pidfd_getfd, no ptrace rights), or that was not taken
 * yet when the relay died, is forwarded in this process instead ({@link nodeTcpPath}): nothing
 * is lost. Connections the relay held when it died are lost with it, as with a dying proxy; the
 * relay is started again for the next connection (backoff 0.25 s doubling to 10 s while it keeps
 * dying). The relay dies with this process (PR_SET_PDEATHSIG) and exits when its stdin closes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import type { Socket } from "node:net";
import { errnoName } from "../lib/errno.js";
import type { Logger } from "../lib/logger.js";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import type { RouteBackend } from "./table.js";
import { nodeTcpPath, type TcpPath, type TcpPathEvents } from "./tcp-forwarder.js";

const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 10_000;
/** A relay that lived this long resets its restart backoff. */
const STABLE_MS = 10_000;

/** The client socket's descriptor, if this Node exposes it (libuv's TCP handle on Unix). */
function descriptorOf(client: Socket): number | undefined {
  const fd = (client as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : undefined;
}

/** A connect under way. */
interface Connecting {
  readonly backend: RouteBackend;
  readonly header: Buffer | undefined;
  readonly timeoutMs: number;
  readonly events: TcpPathEvents;
}

/** One connection in the relay's hands, or on its way there. */
class RelayPath implements TcpPath {
  /** The relay has its own copy of the client socket (it answered U or F). */
  taken = false;
  connecting: Connecting | null = null;
  /** After U: told when both sides closed. */
  relaying: TcpPathEvents | null = null;
  /** The relay died holding this connection. */
  lost = false;
  private fallback: TcpPath | undefined;
  private fdSent = false;

  constructor(
    private readonly send: (line: string) => void,
    private readonly forget: (id: number) => void,
    readonly id: number,
    private readonly fd: number,
    readonly client: Socket,
    private readonly idleTimeoutMs: number,
  ) {
    // Nothing is read or written here, but an 'error' without a listener would end swarmd.
    client.on("error", () => undefined);
  }

  get gone(): boolean {
    return this.fallback?.gone ?? (this.lost || (!this.taken && this.client.destroyed));
  }

  connect(backend: RouteBackend, header: Buffer | undefined, timeoutMs: number, events: TcpPathEvents): void {
    if (this.fallback !== undefined) return this.fallback.connect(backend, header, timeoutMs, events);
    if (this.lost) return events.closed(0, 0);
    this.connecting = { backend, header, timeoutMs, events };
    if (this.fdSent) return this.send(`R ${this.id} ${backend.addr} ${backend.port} ${timeoutMs}\n`);
    this.fdSent = true;
    const hex = header === undefined || header.length === 0 ? "-" : header.toString("hex");
    this.send(`C ${this.id} ${this.fd} ${backend.addr} ${backend.port} ${timeoutMs} ${hex}\n`);
  }

  reset(): void {
    if (this.fallback !== undefined) return this.fallback.reset();
    this.forget(this.id);
    if (this.lost) return;
    if (this.taken) this.send(`X ${this.id}\n`);
    else this.client.resetAndDestroy();
  }

  /** The relay could not take the connection (E, or it died first): this process forwards it. */
  fallBack(): void {
    this.fallback = nodeTcpPath(this.client, this.idleTimeoutMs);
    const c = this.connecting;
    this.connecting = null;
    if (c !== null) this.fallback.connect(c.backend, c.header, c.timeoutMs, c.events);
  }

  /** The relay answered U or F: it holds the connection, our copy of the socket goes. */
  answered(ok: boolean, code: string): void {
    if (!this.taken) {
      this.taken = true;
      this.client.destroy(); // closes this process's descriptor only
    }
    const c = this.connecting;
    this.connecting = null;
    if (c === null) return;
    if (ok) {
      this.relaying = c.events;
      c.events.connected();
    } else c.events.failed(code);
  }

  /** The relay died with the connection in its hands. */
  die(): void {
    this.lost = true;
    const events = this.relaying ?? this.connecting?.events;
    this.relaying = this.connecting = null;
    events?.closed(0, 0);
  }
}

/** See the module comment. */
export class NativeRelay {
  private child: ChildProcess | undefined;
  private readonly conns = new Map<number, RelayPath>();
  private nextId = 1;
  private input = "";
  private restartDelayMs = RESTART_MIN_MS;
  /** No relay until then (it died and is being restarted). */
  private downUntil = 0;
  private startedAt = 0;
  private closed = false;
  private readonly send = (line: string): void => {
    this.child?.stdin?.write(line);
  };
  private readonly forget = (id: number): void => {
    this.conns.delete(id);
  };

  private constructor(
    private readonly binary: string,
    private readonly logger: Logger,
    private readonly idleTimeoutMs: number,
  ) {}

  /**
   * A relay, or undefined when the runtime binary is not built. A connection that moves no byte for
   * `idleTimeoutMs` is reset by the relay (0 = never).
   */
  static create(logger: Logger, binary = RUNTIME_BINARY, idleTimeoutMs = 0): NativeRelay | undefined {
    if (!existsSync(binary)) return undefined;
    return new NativeRelay(binary, logger, idleTimeoutMs);
  }

  /** The relay's pid while it runs. */
  pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the relay now rather than at the first connection. */
  start(): void {
    this.ensure();
  }

  /**
   * A path for an accepted, paused client socket: through the relay when it runs (or can be
   * started), else in this process.
   */
  adopt(client: Socket): TcpPath {
    const fd = descriptorOf(client);
    if (fd === undefined || this.ensure() === undefined) return nodeTcpPath(client, this.idleTimeoutMs);
    const id = this.nextId;
    this.nextId = (this.nextId % 0xffff_ffff) + 1;
    const path = new RelayPath(this.send, this.forget, id, fd, client, this.idleTimeoutMs);
    this.conns.set(id, path);
    return path;
  }

  /** Stops the relay; the connections it holds close with it. */
  close(): void {
    this.closed = true;
    this.child?.stdin?.end();
    this.child?.kill("SIGKILL");
  }

  private ensure(): ChildProcess | undefined {
    if (this.child !== undefined) return this.child;
    if (this.closed || Date.now() < this.downUntil) return undefined;
    const child = spawn(this.binary, ["relay"], { stdio: ["pipe", "pipe", "inherit"] });
    this.child = child;
    this.input = "";
    this.startedAt = Date.now();
    child.stdout?.setEncoding("latin1").on("data", (d: string) => this.onData(d));
    child.stdin?.on("error", () => undefined); // a dead relay is reported by "close"
    if (this.idleTimeoutMs > 0) child.stdin?.write(`I ${Math.min(this.idleTimeoutMs, 0xffff_ffff)}\n`);
    child.on("error", (err) => this.gone(child, err.message));
    child.on("close", (code, signal) => this.gone(child, signal ?? `exit ${String(code)}`));
    this.logger.info({ pid: child.pid }, "mesh relay started");
    return child;
  }

  private gone(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (Date.now() - this.startedAt >= STABLE_MS) this.restartDelayMs = RESTART_MIN_MS;
    const delay = this.restartDelayMs;
    this.downUntil = Date.now() + delay;
    this.restartDelayMs = Math.min(RESTART_MAX_MS, delay * 2);
    const paths = [...this.conns.values()];
    this.conns.clear();
    let lost = 0;
    for (const p of paths) {
      if (p.taken || this.closed) {
        lost++;
        p.die();
      } else p.fallBack(); // still ours: forward it here
    }
    if (this.closed) return;
    this.logger.warn(
      { pid: child.pid, why, lost, restartInMs: delay },
      "mesh relay exited; the connections it held are lost, this process forwards until it is started again",
    );
  }

  private onData(d: string): void {
    this.input += d;
    let start = 0;
    for (let nl = this.input.indexOf("\n"); nl >= 0; nl = this.input.indexOf("\n", start)) {
      this.event(this.input.slice(start, nl));
      start = nl + 1;
    }
    this.input = this.input.slice(start);
  }

  private event(line: string): void {
    const f = line.split(" ");
    const id = Number(f[1]);
    const path = this.conns.get(id);
    if (path === undefined) return;
    switch (f[0]) {
      case "U":
        return path.answered(true, "");
      case "F":
        return path.answered(false, errnoName(Number(f[2])));
      case "E":
        this.conns.delete(id);
        this.logger.warn({ errno: errnoName(Number(f[2])) }, "mesh relay could not take a connection; this process forwards it");
        return path.fallBack();
      case "D":
        this.conns.delete(id);
        return path.relaying?.closed(Number(f[2]), Number(f[3]));
    }
  }
}
