/**
 * `swarm-cluster`: the harness from a shell (`npm run cluster -- up --hosts 5`, or `npx swarm-cluster`
 * after a build). Every verb acts on the cluster named by `--name` (default `$SWARM_CLUSTER_NAME` or
 * `dev`) through its state file, so `up` in one shell and `partition` in another just work.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { errorMessage, SwarmError, ValidationError } from "../src/lib/errors.js";
import { cleanup, isClean, findLeftovers } from "./lib/cleanup.js";
import { Cluster, DEFAULT_PROC } from "./lib/cluster.js";
import { describeFault } from "./lib/faults.js";

const DEFAULT_NAME = process.env.SWARM_CLUSTER_NAME ?? "dev";

function withName(cmd: Command): Command {
  return cmd.option("--name <name>", "cluster name (1-6 of [a-z0-9])", DEFAULT_NAME);
}

function hostList(text: string): string[] {
  return text.split(",").map((h) => h.trim()).filter((h) => h.length > 0);
}

function parseProbability(text: string): number {
  const value = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!(value > 0 && value <= 1)) throw new ValidationError("probability", `${JSON.stringify(text)} is not within (0, 1] (or 1%..100%)`);
  return value;
}

function parseEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new ValidationError("--env", `${JSON.stringify(pair)} is not KEY=VALUE`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("   ")).join("\n");
}

/** Where the CLI writes (injectable so tests can run it in-process). */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Exit code of the last `exec` (the CLI exits with it). */
  exitCode?: number;
}

function printStatus(io: CliIO, c: Cluster, json: boolean): void {
  const s = c.status();
  if (json) {
    io.out(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const out = [`cluster ${s.name}  subnet ${s.subnet}`, "", table([["HOST", "IP", "NETNS", "DATA DIR"], ...s.hosts.map((h) => [h.name, h.ip, h.netns, h.dataDir])])];
  if (s.procs.length > 0) {
    out.push("", table([["HOST", "PROCESS", "PID", "STATE", "COMMAND"], ...s.procs.map((p) => [p.host, p.name, String(p.pid), p.state, p.argv.join(" ")])]));
  }
  out.push("", s.faults.length > 0 ? `faults: ${s.faults.join("; ")}` : "faults: none");
  if (s.frozen.length > 0) out.push(`frozen: ${s.frozen.join(", ")}`);
  io.out(`${out.join("\n")}\n`);
}

/** Builds the command tree (exported for tests). */
export function buildProgram(io: CliIO): Command {
  const program = new Command("swarm-cluster")
    .description("Multi-host test clusters on one machine: hosts are network namespaces on a bridge")
    .configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) })
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();

  withName(program.command("up").description("create hosts h1..hN"))
    .option("--hosts <n>", "number of hosts", (v) => Number(v), 3)
    .option("--subnet <cidr>", "private IPv4 subnet (default: first free 10.213.N.0/24)")
    .option("--base-dir <dir>", "data and log directories (default /var/tmp/swarm-cluster/<name>)")
    .addOption(new Option("--default-route <type>", "default route in every host").choices(["unreachable", "blackhole"]).default("unreachable"))
    .action(async (o: { name: string; hosts: number; subnet?: string; baseDir?: string; defaultRoute: "unreachable" | "blackhole" }) => {
      const c = await Cluster.up({ name: o.name, hosts: o.hosts, subnet: o.subnet, baseDir: o.baseDir, defaultRoute: o.defaultRoute });
      printStatus(io, c, false);
    });

  withName(program.command("down").description("stop every process and remove the cluster"))
    .option("--keep-data", "keep data and log directories")
    .action(async (o: { name: string; keepData?: boolean }) => {
      const report = await Cluster.attach(o.name).down({ keepData: o.keepData === true });
      for (const e of report.errors) io.err(`warning: ${e}\n`);
    });

  withName(program.command("status").description("hosts, processes and faults"))
    .option("--json", "machine-readable output")
    .action((o: { name: string; json?: boolean }) => printStatus(io, Cluster.attach(o.name), o.json === true));

  withName(program.command("exec").description("run a command in a host; exits with its code"))
    .argument("<host>")
    .argument("<command...>")
    .passThroughOptions()
    .action(async (host: string, command: string[], o: { name: string }) => {
      const r = await Cluster.attach(o.name).exec(host, command, { timeoutMs: 24 * 3600_000, cwd: process.cwd() });
      io.out(r.stdout);
      io.err(r.stderr);
      io.exitCode = r.code ?? 128;
    });

  withName(program.command("start").description("start a long-running process in a host (logs to its log dir)"))
    .argument("<host>")
    .argument("<command...>")
    .option("--proc <name>", "process name", DEFAULT_PROC)
    .option("--env <KEY=VALUE>", "extra environment (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .passThroughOptions()
    .action(async (host: string, command: string[], o: { name: string; proc: string; env: string[] }) => {
      const p = await Cluster.attach(o.name).start(host, command, { name: o.proc, env: parseEnv(o.env) });
      io.out(`${host}/${p.name} pid ${p.pid} log ${p.logPath}\n`);
    });

  withName(program.command("swarmd").description("start swarmd in hosts (--data-dir <host data dir> --advertise-addr <host ip>)"))
    .argument("[hosts...]", "hosts (default: all)")
    .option("--arg <arg>", "extra swarmd argument (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (hosts: string[], o: { name: string; arg: string[] }) => {
      const c = Cluster.attach(o.name);
      const targets = hosts.length > 0 ? hosts.map((h) => c.host(h)) : c.hosts;
      for (const h of targets) {
        const p = await h.swarmd(o.arg);
        io.out(`${h.name}/swarmd pid ${p.pid} log ${p.logPath}\n`);
      }
    });

  withName(program.command("swarmctl").description("run swarmctl in a host (against that host's daemon)"))
    .argument("<host>")
    .argument("[args...]")
    .passThroughOptions()
    .action(async (host: string, args: string[], o: { name: string }) => {
      const r = await Cluster.attach(o.name).host(host).swarmctl(...args);
      io.out(r.stdout);
      io.err(r.stderr);
      io.exitCode = r.code ?? 128;
    });

  const signals = [
    ["kill", "SIGKILL a host's process"],
    ["stop", "SIGSTOP a host's process"],
    ["cont", "SIGCONT a host's process"],
    ["restart", "stop (TERM, then KILL) and start a host's process again"],
  ] as const;
  for (const [verb, what] of signals) {
    withName(program.command(verb).description(what))
      .argument("<host>")
      .option("--proc <name>", "process name", DEFAULT_PROC)
      .action(async (host: string, o: { name: string; proc: string }) => {
        const c = Cluster.attach(o.name);
        if (verb === "restart") {
          const p = await c.restart(host, o.proc);
          io.out(`${host}/${o.proc} restarted: pid ${p.pid}\n`);
        } else {
          const state = await c[verb](host, o.proc);
          io.out(`${host}/${o.proc}: ${state}\n`);
        }
      });
  }

  const hostVerbs = {
    freeze: "freeze every process of a host (cgroup freezer), like a hung machine",
    thaw: "resume a frozen host",
    crash: "SIGKILL every process of a host at once, like a power cut (data dirs stay)",
  } as const;
  for (const verb of ["freeze", "thaw", "crash"] as const) {
    withName(program.command(verb).description(hostVerbs[verb]))
      .argument("<host>")
      .action(async (host: string, o: { name: string }) => {
        await Cluster.attach(o.name)[verb](host);
      });
  }

  withName(program.command("partition").description("drop traffic between two sets of hosts, e.g. `partition h1,h2 h3,h4,h5`"))
    .argument("<from>", "comma-separated hosts")
    .argument("<to>", "comma-separated hosts")
    .option("--one-way", "drop only packets from <from> to <to>")
    .action(async (from: string, to: string, o: { name: string; oneWay?: boolean }) => {
      const c = Cluster.attach(o.name);
      await c.partition(hostList(from), hostList(to), { oneWay: o.oneWay === true });
      io.out(`${describeFault(c.state.faults.at(-1) ?? { type: "partition", from: [], to: [], oneWay: false })}\n`);
    });

  withName(program.command("isolate").description("cut one host off from all others (both ways)"))
    .argument("<host>")
    .action(async (host: string, o: { name: string }) => {
      await Cluster.attach(o.name).isolate(host);
    });

  withName(program.command("loss").description("drop packets at random, e.g. `loss 30% --from h1 --to h2`"))
    .argument("<probability>", "0.3 or 30%")
    .option("--from <hosts>", "comma-separated senders (default all)")
    .option("--to <hosts>", "comma-separated receivers (default all)")
    .option("--one-way", "only packets from --from to --to")
    .action(async (p: string, o: { name: string; from?: string; to?: string; oneWay?: boolean }) => {
      const c = Cluster.attach(o.name);
      await c.loss(parseProbability(p), {
        ...(o.from === undefined ? {} : { from: hostList(o.from) }),
        ...(o.to === undefined ? {} : { to: hostList(o.to) }),
        oneWay: o.oneWay === true,
      });
    });

  withName(program.command("heal").description("remove every partition and loss rule")).action(async (o: { name: string }) => {
    await Cluster.attach(o.name).heal();
  });

  withName(program.command("logs").description("print the end of a process's log"))
    .argument("<host>")
    .option("--proc <name>", "process name", DEFAULT_PROC)
    .option("--lines <n>", "number of lines", (v) => Number(v), 50)
    .action((host: string, o: { name: string; proc: string; lines: number }) => {
      io.out(`${Cluster.attach(o.name).tail(host, o.proc, o.lines)}\n`);
    });

  program
    .command("cleanup")
    .description("remove leftovers (netns, links, rules, mounts, cgroups, processes) of one or every harness cluster")
    .option("--name <name>", "only this cluster (default: every cluster with the swt prefix)")
    .option("--keep-data", "keep data and log directories")
    .action(async (o: { name?: string; keepData?: boolean }) => {
      const report = await cleanup(o.name, { keepData: o.keepData === true });
      const removed = report.netns.length + report.links.length + report.forwardRules.length + report.mounts.length + report.cgroups.length;
      io.out(`cleaned ${report.clusters.length > 0 ? report.clusters.join(", ") : "nothing"}: ${removed} objects, ${report.pids.length} processes\n`);
      const left = await findLeftovers(o.name);
      if (!isClean(left)) throw new SwarmError("INTERNAL", `left behind: ${JSON.stringify(left)}; errors: ${report.errors.join("; ")}`);
    });

  return program;
}

/** Runs the CLI with `argv` (as in process.argv) and returns the exit code; never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv);
    return io.exitCode ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const code = err instanceof SwarmError ? ` (${err.code})` : "";
    io.err(`swarm-cluster${code}: ${errorMessage(err)}\n`);
    return 1;
  }
}

/** Entry point used by bin/swarm-cluster.js and `npm run cluster`. */
export async function main(argv: string[]): Promise<void> {
  process.exitCode = await runCli(argv, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) await main(process.argv);
