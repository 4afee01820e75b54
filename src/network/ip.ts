/**
 * Thin runners of iproute2 (`ip`, `bridge`): one command, or a batch of commands in one process
 * (`-batch -`), optionally inside a named network namespace (`-n NAME`). Errors name the command
 * and carry iproute2's own message. Processes start through the shared spawner (src/lib/spawner.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../lib/spawner.js";

/** A failed iproute2 command. */
export class IpCommandError extends Error {
  /** Stable code of this error class. */
  readonly code = "IP_COMMAND_FAILED";
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`${command}: ${stderr}`);
    this.name = "IpCommandError";
  }
}

/** Runs `tool args…`, or `tool [args…] -batch -` fed with `batch` lines; resolves with stdout. */
export function iproute(tool: "ip" | "bridge", args: readonly string[], batch?: string): Promise<string> {
  const argv = batch === undefined ? [...args] : [...args, "-batch", "-"];
  const what = batch === undefined ? `${tool} ${args.join(" ")}` : `${tool} ${args.join(" ")} -batch: ${batch.trim().replace(/\n/g, "; ")}`;
  return runProcess(tool, argv, batch === undefined ? {} : { input: batch }).then(
    (r) => {
      if (r.code === 0) return r.stdout;
      throw new IpCommandError(what, r.stderr.trim() || `exit ${String(r.code ?? r.signal)}`);
    },
    (e: unknown) => {
      throw new IpCommandError(what, e instanceof Error ? e.message : String(e));
    },
  );
}

/** `ip args…` (or a batch). */
export function ip(args: readonly string[], batch?: string): Promise<string> {
  return iproute("ip", args, batch);
}

/** The path of a named network namespace. */
export function netnsPath(name: string): string {
  return join("/run/netns", name);
}

/** Deletes the named network namespace if it exists (its veth ends go with it). */
export async function deleteNetns(name: string): Promise<void> {
  if (existsSync(netnsPath(name))) await ip(["netns", "del", name]);
}
