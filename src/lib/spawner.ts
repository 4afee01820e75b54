/**
 * Runs short helper processes (`mount`, `ip`, `swarm-runtime …`) through one long-lived
 * `swarm-runtime spawner` (native/src/spawner.c) instead of forking this process for each.
 *
 * Why: Node forks the whole process to spawn, and the event loop waits until the child has exec'd.
 * Forking swarmd (100+ MB) cost ~30 ms of blocked event loop per process under load, and a task start
 * and stop run several; a burst of 50 task starts spent ~12 s of the daemon's CPU in spawn(). The
 * helper is a small static binary, so its forks are cheap, and here a spawn is a write to a pipe.
 *
 * `runProcess` has execFile's result shape (exit code or signal, stdout, stderr as text); a process
 * that cannot be started rejects with an error whose `code` is the errno name ("ENOENT"), as
 * execFile's does. Without the helper binary, or with `SWARM_SPAWNER=off`, it uses child_process.
 * The helper does not keep the event loop alive while nothing runs. Helpers get {@link hostEnv}: a
 * fixed system PATH, never the environment of a task or of the operator's shell.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { constants as osConstants } from "node:os";
import type { Socket } from "node:net";
import { RUNTIME_BINARY } from "./runtime-binary.js";
import { errnoName } from "./errno.js";
import { hostEnv } from "./host-env.js";

/** What a finished process left. */
export interface ProcessResult {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it ("SIGKILL"), or null. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A process that could not be started (`code` is the errno name, e.g. "ENOENT"). */
export class SpawnError extends Error {
  constructor(
    readonly code: string,
    readonly file: string,
  ) {
    super(`spawn ${file} ${code}`);
    this.name = "SpawnError";
  }
}

interface Pending {
  readonly file: string;
  resolve(r: ProcessResult): void;
  reject(err: unknown): void;
}

const signalNames = new Map(Object.entries(osConstants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

/** One helper process and its requests in flight. */
class Spawner {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private input: Buffer = Buffer.alloc(0);

  constructor(private readonly binary: string) {}

  run(file: string, args: readonly string[], stdin: string | undefined): Promise<ProcessResult> {
    const child = this.ensure();
    const id = this.nextId++ >>> 0;
    const parts: Buffer[] = [];
    const u32 = (v: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v >>> 0);
      return b;
    };
    const argv = [file, ...args];
    parts.push(u32(id), u32(argv.length));
    for (const a of argv) parts.push(Buffer.from(`${a}\0`, "utf8"));
    const inBytes = Buffer.from(stdin ?? "", "utf8");
    parts.push(u32(inBytes.length), inBytes);
    const body = Buffer.concat(parts);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { file, resolve, reject });
      this.setRef(true);
      child.stdin?.write(Buffer.concat([u32(body.length), body]));
    });
  }

  private ensure(): ChildProcess {
    if (this.child !== undefined) return this.child;
    const child = spawn(this.binary, ["spawner"], { stdio: ["pipe", "pipe", "inherit"], env: hostEnv() });
    this.child = child;
    this.input = Buffer.alloc(0);
    child.stdout?.on("data", (d: Buffer) => this.onData(d));
    child.stdin?.on("error", () => undefined); // a dead helper is reported by "close"
    const gone = (why: string): void => {
      if (this.child !== child) return;
      this.child = undefined;
      const lost = [...this.pending.values()];
      this.pending.clear();
      for (const p of lost) p.reject(new Error(`swarm-runtime spawner ended (${why}) while running ${p.file}`));
    };
    child.on("error", (err) => gone(err.message));
    child.on("close", (code, signal) => gone(signal ?? `exit ${String(code)}`));
    child.unref();
    this.child = child;
    this.setRef(false);
    return child;
  }

  private setRef(on: boolean): void {
    const sockets = [this.child?.stdout, this.child?.stdin] as (Socket | null | undefined)[];
    for (const s of sockets) {
      if (s === null || s === undefined) continue;
      if (on) s.ref();
      else s.unref();
    }
  }

  private onData(d: Buffer): void {
    this.input = this.input.length === 0 ? d : Buffer.concat([this.input, d]);
    let off = 0;
    while (this.input.length - off >= 4) {
      const len = this.input.readUInt32LE(off);
      if (this.input.length - off - 4 < len) break;
      this.answer(this.input.subarray(off + 4, off + 4 + len));
      off += 4 + len;
    }
    this.input = this.input.subarray(off);
    if (this.pending.size === 0) this.setRef(false);
  }

  private answer(m: Buffer): void {
    const id = m.readUInt32LE(0);
    const kind = m.readUInt32LE(4);
    const value = m.readUInt32LE(8);
    const outLen = m.readUInt32LE(12);
    const stdout = m.toString("utf8", 16, 16 + outLen);
    const errLen = m.readUInt32LE(16 + outLen);
    const stderr = m.toString("utf8", 20 + outLen, 20 + outLen + errLen);
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (kind === 2) p.reject(new SpawnError(errnoName(value), p.file));
    else if (kind === 1) p.resolve({ code: null, signal: signalNames.get(value) ?? "SIGKILL", stdout, stderr });
    else p.resolve({ code: value, signal: null, stdout, stderr });
  }
}

let shared: Spawner | undefined;
let helperPresent: boolean | undefined;

function direct(file: string, args: readonly string[], stdin: string | undefined): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(file, [...args], { stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"], env: hostEnv() });
    let stdout = "";
    let stderr = "";
    p.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("error", (err: NodeJS.ErrnoException) => reject(new SpawnError(err.code ?? err.message, file)));
    p.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    p.stdin?.on("error", () => undefined);
    p.stdin?.end(stdin);
  });
}

/**
 * Runs `file args…` (looked up in PATH) with `options.input` as its stdin (else /dev/null) and resolves
 * when it has exited and closed its output; see the module comment.
 */
export function runProcess(file: string, args: readonly string[], options: { input?: string } = {}): Promise<ProcessResult> {
  helperPresent ??= existsSync(RUNTIME_BINARY);
  if (process.env.SWARM_SPAWNER === "off" || !helperPresent) return direct(file, args, options.input);
  shared ??= new Spawner(RUNTIME_BINARY);
  return shared.run(file, args, options.input);
}
