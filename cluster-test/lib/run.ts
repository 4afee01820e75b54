/**
 * Running one-shot commands (the harness's only way to touch `ip`, `iptables`, `nsenter`…): argv in,
 * exit code and captured output out, with a deadline. No shell is involved unless the caller asks.
 */
import { spawn } from "node:child_process";
import { SwarmError } from "../../src/lib/errors.js";

/** What a finished command produced. */
export interface RunResult {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall-clock milliseconds from spawn to exit. */
  readonly durationMs: number;
}

/** Options for {@link run}. */
export interface RunOptions {
  /** Bytes to write to stdin (stdin is closed either way). */
  readonly input?: string;
  /** Kill the command (SIGKILL) after this many milliseconds; default 30 s. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Error codes of the harness. */
export const HarnessErrorCode = {
  CommandFailed: "COMMAND_FAILED",
  CommandTimeout: "COMMAND_TIMEOUT",
  WaitTimeout: "WAIT_TIMEOUT",
  NotFound: "NOT_FOUND",
  AlreadyExists: "ALREADY_EXISTS",
  MissingTool: "MISSING_TOOL",
} as const;

/** A command exited non-zero (or timed out); the message carries argv, code and stderr. */
export class CommandError extends SwarmError {
  readonly result: RunResult;
  readonly argv: readonly string[];
  constructor(argv: readonly string[], result: RunResult, timedOut: boolean) {
    const how = timedOut ? "timed out" : result.signal !== null ? `was killed by ${result.signal}` : `exited ${result.code}`;
    const stderr = result.stderr.trim();
    // A command that timed out is usually stuck waiting: what it printed so far says on what.
    const stdout = timedOut ? result.stdout.trim() : "";
    super(
      timedOut ? HarnessErrorCode.CommandTimeout : HarnessErrorCode.CommandFailed,
      `\`${argv.join(" ")}\` ${how} after ${Math.round(result.durationMs)} ms` +
        `${stderr.length > 0 ? `: ${stderr.slice(-2000)}` : ""}${stdout.length > 0 ? `\nlast output:\n${stdout.slice(-2000)}` : ""}`,
      { fields: { argv, code: result.code, signal: result.signal } },
    );
    this.argv = argv;
    this.result = result;
  }
}

/** Runs argv to completion and returns its result, whatever the exit code. Never throws for a non-zero exit. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error("run: empty argv"));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => undefined); // the command may exit without reading its input
    child.stdin.end(options.input ?? "");
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 30_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(
        new SwarmError(HarnessErrorCode.MissingTool, `cannot run ${file}: ${e.message}`, { cause: e, fields: { argv } }),
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        durationMs: performance.now() - started,
      };
      if (timedOut) reject(new CommandError(argv, result, true));
      else resolve(result);
    });
  });
}

/** Runs argv and returns stdout; throws a {@link CommandError} unless it exits 0. */
export async function runOk(argv: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await run(argv, options);
  if (result.code !== 0) throw new CommandError(argv, result, false);
  return result.stdout;
}
