/**
 * Helpers for the sandbox tests (exec, seccomp, devices): the runtime's CLI with a chosen environment,
 * bundles from the config builder with edits, static C probes compiled into the rootfs, and what the
 * host sees of a running container.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RUNTIME_BINARY } from "../../lib/runtime-binary.js";
import type { ContainerSpecInput } from "../config-builder.js";
import type { OciConfig } from "../oci.js";
import { writeBundle } from "../runtime.js";
import type { RuntimeFixture } from "./fixture.js";

/** What one runtime command did. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `swarm-runtime --root <state> ...args` with exactly `env` (default: this process's). */
export function runtimeCli(fx: RuntimeFixture, args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  const r = spawnSync(RUNTIME_BINARY, ["--root", fx.stateRoot, ...args], { encoding: "utf8", env, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A bundle for a fresh id from the config builder, then `edit` on its config.json. */
export async function makeBundle(
  fx: RuntimeFixture,
  label: string,
  spec: Omit<ContainerSpecInput, "rootfs">,
  edit: (config: OciConfig) => OciConfig = (c) => c,
): Promise<{ id: string; bundle: string }> {
  const id = fx.id(label);
  const bundle = join(fx.work, "bundles", id);
  const config = edit(await writeBundle(bundle, { ...spec, rootfs: fx.rootfs }));
  writeFileSync(join(bundle, "config.json"), JSON.stringify(config, null, 2));
  return { id, bundle };
}

/** Starts a detached container (`run -d`) from a fresh bundle; returns its id and its init's host pid. */
export async function startContainer(
  fx: RuntimeFixture,
  label: string,
  spec: Omit<ContainerSpecInput, "rootfs">,
  options: { edit?: (config: OciConfig) => OciConfig; env?: NodeJS.ProcessEnv } = {},
): Promise<{ id: string; pid: number }> {
  const { id, bundle } = await makeBundle(fx, label, spec, options.edit);
  const r = runtimeCli(fx, ["run", "-d", "--bundle", bundle, "--container-log", join(bundle, "container.log"), id], options.env);
  if (r.status !== 0) throw new Error(`run -d ${id} failed (${String(r.status)}): ${r.stderr}`);
  const state = JSON.parse(runtimeCli(fx, ["state", id]).stdout) as { pid: number };
  return { id, pid: state.pid };
}

/** The host pid of the container's main process: the first child of its init. */
export function mainPid(initPid: number): number {
  const children = readFileSync(`/proc/${String(initPid)}/task/${String(initPid)}/children`, "utf8").trim().split(/\s+/);
  const pid = Number(children[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`init ${String(initPid)} has no child (children: "${children.join(" ")}")`);
  return pid;
}

/** Compiles C source with `gcc -static` (or `-shared -fPIC` for a library) to `out`. */
export function compileC(work: string, name: string, source: string, out: string, kind: "static" | "shared" = "static"): void {
  const src = join(work, `${name}.c`);
  writeFileSync(src, source);
  const flags = kind === "static" ? ["-static", "-O1"] : ["-shared", "-fPIC", "-O1"];
  try {
    execFileSync("gcc", [...flags, "-o", out, src], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    throw new Error(`gcc ${flags.join(" ")} is needed for this test (apt-get install -y gcc libc6-dev): ${String(err)}`);
  }
}
