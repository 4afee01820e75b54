/** swarmctl service create | ls | ps | inspect | scale | update | rollback | rm, and node ps. */
import type { Command } from "commander";
import type { Service__Output } from "../gen/swarm/api/Service.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { ControlClient } from "../gen/swarm/control/Control.js";
import type { CreateServiceResponse__Output } from "../gen/swarm/control/CreateServiceResponse.js";
import type { GetServiceResponse__Output } from "../gen/swarm/control/GetServiceResponse.js";
import type { ListServicesResponse__Output } from "../gen/swarm/control/ListServicesResponse.js";
import type { ListTasksResponse__Output } from "../gen/swarm/control/ListTasksResponse.js";
import type { ServiceSpec__Output } from "../gen/swarm/api/ServiceSpec.js";
import { readFileSync } from "node:fs";
import { serviceSpecFromFlags, type EnvFile, type ServiceCreateFlags, type UpdateFlags } from "./service-flags.js";
import { applyServiceUpdate, type ServiceUpdateFlags } from "./service-update-flags.js";
import { isTerminalTaskState } from "../spec/task-state.js";
import { ErrorCode, errorMessage, SwarmError, ValidationError } from "../lib/errors.js";
import { callUnary } from "../rpc/grpc.js";
import { controlClient, withClient } from "./client.js";
import { randomServiceName } from "./names.js";
import { watchUpdate } from "./update-progress.js";
import { serviceTasks } from "./watch.js";
import { registerTaskListCommands } from "./task-list.js";
import { dockerService, prettyService, renderInspect } from "./inspect.js";
import { tabwrite } from "./format/tabwriter.js";
import { FILTER_KEYS, filterServices, parseFilters } from "./filters.js";
import { printList, type Columns, type ListOptions } from "./list-output.js";

const collect = (v: string, prev: string[]): string[] => [...prev, v];
/** Deadline of service create/update: the manager may first pull the image from its registry. */
const IMAGE_PIN_TIMEOUT_MS = 600_000;

async function getService(c: ControlClient, ref: string): Promise<Service__Output> {
  return (await callUnary<GetServiceResponse__Output>((md, o, cb) => c.GetService({ serviceId: ref }, md, o, cb))).service!;
}

async function listTasks(c: ControlClient, filters: { serviceIds?: string[]; nodeIds?: string[] }): Promise<Task__Output[]> {
  return (await callUnary<ListTasksResponse__Output>((md, o, cb) => c.ListTasks({ filters }, md, o, cb))).tasks;
}

function replicasOf(spec: ServiceSpec__Output | null): number | undefined {
  return spec?.replicated?.replicas ?? undefined;
}

/** Waits until the service's desired tasks run (Docker's "overall progress"), or a task fails to start. */
async function converge(c: ControlClient, service: Service__Output, timeoutMs: number, quiet: boolean): Promise<void> {
  const want = replicasOf(service.spec);
  let lastLine = "";
  const tty = process.stdout.isTTY === true;
  // Task changes arrive over Control.Watch (no polling); the timeout ends the watch.
  let tasks: Task__Output[] = [];
  let done = false;
  for await (const all of serviceTasks(c, service.id, AbortSignal.timeout(timeoutMs))) {
    tasks = all.filter((t) => t.desiredState === "RUNNING");
    const running = tasks.filter((t) => t.status?.state === "RUNNING").length;
    const total = want ?? tasks.length;
    const line = `overall progress: ${running} out of ${total} tasks`;
    if (line !== lastLine && !quiet) {
      process.stdout.write(tty ? `\r${line}` : `${line}\n`);
      lastLine = line;
    }
    if ((running >= total && total > 0 && tasks.length >= total) || total === 0) {
      done = true;
      break;
    }
  }
  if (!done) {
    const failed = tasks.find((t) => t.status?.state !== undefined && isTerminalTaskState(t.status.state) && t.status.state !== "COMPLETE");
    const stuck = tasks.find((t) => t.status?.state === "PENDING" && (t.status.err !== "" || /no suitable node/.test(t.status.message)));
    const why = failed?.status?.err || stuck?.status?.err || stuck?.status?.message || "tasks did not reach running in time";
    throw new SwarmError(ErrorCode.Unavailable, `service ${service.spec?.annotations?.name} did not converge: ${why}`);
  }
  if (!quiet) process.stdout.write(`${tty ? "\n" : ""}verify: Service ${service.spec?.annotations?.name} converged\n`);
}

/** Registers the service commands and `node ps`. */
export function registerServiceCommands(program: Command): void {
  // Positional options let `create` pass everything after IMAGE through untouched.
  const service = program.command("service").description("Manage services").enablePositionalOptions();

  service
    .command("create")
    .description("Create a service")
    .usage("[options] IMAGE [COMMAND] [ARG...]")
    .argument("<image>")
    .argument("[command...]", "command and arguments (replace the image's command)")
    // As `docker service create`: every word after IMAGE belongs to the command, `sh -c '…'` included.
    .passThroughOptions()
    .option("--name <name>", "service name (default: a generated adjective_surname)")
    .option("--replicas <n>", "number of tasks")
    .option("--mode <mode>", "replicated | global")
    .option("--entrypoint <command>", "overwrite the default ENTRYPOINT of the image")
    .option("-u, --user <user>", "username or UID (format: <name|uid>[:<group|gid>])")
    .option("-w, --workdir <dir>", "working directory inside the container")
    .option("--hostname <hostname>", "container hostname")
    .option("--read-only", "mount the container's root filesystem as read only")
    .option("--stop-signal <signal>", "signal to stop the container")
    .option("-e, --env <K=V>", "environment variable (repeatable)", collect, [])
    .option("--env-file <file>", "read in a file of environment variables (repeatable)", collect, [])
    .option("-p, --publish <spec>", "publish a port: 8080:80[/udp] or published=,target=,protocol=,mode= (repeatable)", collect, [])
    .option("--constraint <expr>", "placement constraint, e.g. node.role==worker (repeatable)", collect, [])
    .option("--placement-pref <pref>", "spread=node.labels.zone (repeatable)", collect, [])
    .option("--replicas-max-per-node <n>", "maximum tasks of this service per node (0 = no limit)")
    .option("--max-replicas <n>", "same as --replicas-max-per-node")
    .option("--limit-cpu <cpus>").option("--limit-memory <bytes>").option("--limit-pids <n>")
    .option("--reserve-cpu <cpus>").option("--reserve-memory <bytes>")
    .option("--restart-condition <c>", "none | on-failure | any").option("--restart-delay <d>").option("--restart-max-attempts <n>").option("--restart-window <d>")
    .option("--stop-grace-period <d>").option("--health-cmd <cmd>").option("--health-interval <d>").option("--health-retries <n>").option("--no-healthcheck")
    .option("--health-timeout <d>", "maximum time to allow one check to run (ms|s|m|h)")
    .option("--health-start-period <d>", "start period for the container to initialize before counting retries towards unstable (ms|s|m|h)")
    .option("--mount <spec>", "type=bind|tmpfs,source=,target= (repeatable)", collect, [])
    .option("-l, --label <k=v>", "service label (repeatable)", collect, [])
    .option("--container-label <k=v>", "container label (repeatable)", collect, [])
    .option("--endpoint-mode <mode>", "endpoint mode (vip or dnsrr)")
    .option("--update-parallelism <n>").option("--update-delay <d>").option("--update-failure-action <a>").option("--update-monitor <d>").option("--update-order <o>").option("--update-max-failure-ratio <r>")
    .option("--rollback-parallelism <n>").option("--rollback-delay <d>").option("--rollback-failure-action <a>").option("--rollback-monitor <d>").option("--rollback-order <o>").option("--rollback-max-failure-ratio <r>")
    .option("-d, --detach", "exit at once instead of waiting for the service to converge")
    .option("-q, --quiet", "suppress progress output")
    .action(async (image: string, args: string[], o: Record<string, unknown>, cmd: Command) => {
      const s = (k: string): string | undefined => o[k] as string | undefined;
      const flags: ServiceCreateFlags = {
        name: (o.name as string | undefined) ?? randomServiceName(),
        image,
        // `IMAGE -- CMD…` (the form older swarmctl needed) keeps working: a command named "--" cannot run.
        args: args[0] === "--" ? args.slice(1) : args,
        entrypoint: s("entrypoint"),
        replicas: s("replicas"),
        mode: s("mode"),
        env: o.env as string[],
        envFiles: (o.envFile as string[]).map(readEnvFile),
        containerLabels: o.containerLabel as string[],
        endpointMode: s("endpointMode"),
        workdir: s("workdir"),
        user: s("user"),
        hostname: s("hostname"),
        publish: o.publish as string[],
        constraints: o.constraint as string[],
        placementPrefs: o.placementPref as string[],
        maxReplicas: replicasMaxPerNode(o),
        ...taskFlags(o),
        stopSignal: s("stopSignal"),
        readOnly: o.readOnly === true,
        mounts: o.mount as string[],
        labels: o.label as string[],
        ...updateTuningFlags(o),
        envLookup: (k) => process.env[k],
      };
      const spec = serviceSpecFromFlags(flags);
      await withClient(controlClient(cmd), async (c) => {
        const res = await callUnary<CreateServiceResponse__Output>((md, opt, cb) => c.CreateService({ spec }, md, opt, cb), IMAGE_PIN_TIMEOUT_MS);
        process.stdout.write(`${res.service!.id}\n`);
        if (o.detach !== true) await converge(c, res.service!, 120_000, o.quiet === true);
      });
    });

  service
    .command("ls")
    .description("List services")
    .option("-f, --filter <filter>", "filter output based on conditions provided (repeatable)", collect, [])
    .option("--format <format>", "format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')")
    .option("-q, --quiet", "only display IDs")
    .action(async (o: ListOptions & { filter: string[] }, cmd: Command) => {
      const filters = parseFilters(o.filter, FILTER_KEYS.service);
      await withClient(controlClient(cmd), async (c) => {
        const { services } = await callUnary<ListServicesResponse__Output>((md, opt, cb) => c.ListServices({}, md, opt, cb));
        const kept = filterServices(services, filters).sort((a, b) => (a.spec?.annotations?.name ?? "").localeCompare(b.spec?.annotations?.name ?? ""));
        const tasks = o.quiet === true ? [] : await listTasks(c, {});
        printList(kept.map((s) => serviceRow(s, tasks)), SERVICE_COLUMNS, o);
      });
    });

  service
    .command("inspect")
    .description("Display detailed information on one or more services")
    .argument("<service...>")
    .option("-f, --format <format>", "format output using a custom template ('json', 'TEMPLATE')")
    .option("--pretty", "print the information in a human friendly format")
    .option("--raw", "print the objects as the control API returns them (swarm's own field names)")
    .action(async (refs: string[], o: { format?: string; pretty?: boolean; raw?: boolean }, cmd: Command) => {
      if (o.pretty === true && o.format !== undefined) throw new ValidationError("--format", "cannot be used with --pretty");
      const services = await withClient(controlClient(cmd), (c) => Promise.all(refs.map((r) => getService(c, r))));
      if (o.raw === true) return void process.stdout.write(`${JSON.stringify(services, null, 2)}\n`);
      process.stdout.write(o.pretty === true ? tabwrite(services.map(prettyService).join("\n")) : renderInspect(services.map(dockerService), o.format));
    });

  const update = async (cmd: Command, ref: string, change: (spec: ServiceSpec__Output) => ServiceSpec__Output, rollback: boolean, detach: boolean, quiet = false): Promise<void> => {
    await withClient(controlClient(cmd), async (c) => {
      // The leader's updater writes the service's update state too: re-read and re-apply on a conflict.
      let current = await getService(c, ref);
      for (let attempt = 1; ; attempt++) {
        const spec = rollback ? null : change(current.spec!);
        try {
          await callUnary<{ service: Service__Output | null }>((md, o, cb) =>
            c.UpdateService({ serviceId: current.id, serviceVersion: current.meta?.version ?? 0, spec, rollback }, md, o, cb),
            IMAGE_PIN_TIMEOUT_MS,
          );
          break;
        } catch (err) {
          if (attempt >= 5 || !/out of sequence/.test(err instanceof Error ? err.message : "")) throw err;
          current = await getService(c, current.id);
        }
      }
      process.stdout.write(`${current.spec?.annotations?.name ?? ref}\n`);
      if (!detach) await watchUpdate({ service: () => getService(c, current.id), tasks: (id) => listTasks(c, { serviceIds: [id] }) }, rollback, 600_000, quiet ? () => undefined : undefined);
    });
  };

  service
    .command("scale")
    .description("Scale replicated services: NAME=REPLICAS ...")
    .argument("<service=replicas...>")
    .option("-d, --detach", "do not wait for convergence")
    .action(async (pairs: string[], o: { detach?: boolean }, cmd: Command) => {
      for (const pair of pairs) {
        const m = /^([^=]+)=(\d+)$/.exec(pair);
        if (m === null) throw new ValidationError("scale", `"${pair}" is not SERVICE=REPLICAS`);
        await update(cmd, m[1]!, (spec) => {
          if (spec.replicated == null) throw new ValidationError("scale", `${m[1]} is not a replicated service`);
          return applyServiceUpdate(spec, { replicas: m[2] });
        }, false, o.detach === true);
      }
    });

  service
    .command("update")
    .description("Update a service")
    .argument("<service>")
    .option("--image <image>").option("--replicas <n>").option("--args <args>", "new command arguments (space separated)")
    .option("--env-add <K=V>", "", collect, []).option("--env-rm <K>", "", collect, [])
    .option("--label-add <k=v>", "add or update a service label", collect, []).option("--label-rm <key>", "remove a label by its key", collect, [])
    .option("--mount-add <spec>", "add a mount (as --mount of service create)", collect, []).option("--mount-rm <target>", "remove a mount by its target path", collect, [])
    .option("--publish-add <spec>", "", collect, []).option("--publish-rm <port>", "", collect, [])
    .option("--constraint-add <expr>", "", collect, []).option("--constraint-rm <expr>", "", collect, [])
    .option("--placement-pref-add <pref>", "add a placement preference", collect, []).option("--placement-pref-rm <pref>", "remove a placement preference", collect, [])
    .option("--limit-cpu <cpus>").option("--limit-memory <bytes>").option("--limit-pids <n>").option("--reserve-cpu <cpus>").option("--reserve-memory <bytes>")
    .option("--replicas-max-per-node <n>", "maximum tasks of this service per node (0 = no limit)")
    .option("--restart-condition <c>", "none | on-failure | any").option("--restart-delay <d>", "delay between restart attempts (ns|us|ms|s|m|h)")
    .option("--restart-max-attempts <n>", "maximum number of restarts before giving up")
    .option("--restart-window <d>", "window used to evaluate the restart policy (ns|us|ms|s|m|h)")
    .option("--health-cmd <cmd>", "command to run to check health").option("--health-interval <d>", "time between running the check (ms|s|m|h)")
    .option("--health-timeout <d>", "maximum time to allow one check to run (ms|s|m|h)").option("--health-retries <n>", "consecutive failures needed to report unhealthy")
    .option("--health-start-period <d>", "start period before counting retries towards unstable (ms|s|m|h)")
    .option("--no-healthcheck", "disable any container-specified HEALTHCHECK")
    .option("--stop-grace-period <d>", "time to wait before force killing a container (ns|us|ms|s|m|h)")
    .option("--update-parallelism <n>").option("--update-delay <d>").option("--update-failure-action <a>").option("--update-monitor <d>").option("--update-order <o>").option("--update-max-failure-ratio <r>")
    .option("--rollback-parallelism <n>").option("--rollback-delay <d>").option("--rollback-failure-action <a>").option("--rollback-monitor <d>").option("--rollback-order <o>").option("--rollback-max-failure-ratio <r>")
    .option("--force", "replace every task even if nothing changed")
    .option("--rollback", "roll back to the previous spec")
    .option("-d, --detach", "do not wait for convergence")
    .option("-q, --quiet", "suppress progress output")
    .action(async (ref: string, o: Record<string, unknown>, cmd: Command) => {
      const s = (k: string): string | undefined => o[k] as string | undefined;
      const flags: ServiceUpdateFlags = {
        image: s("image"),
        replicas: s("replicas"),
        args: s("args")?.split(/\s+/).filter((a) => a !== ""),
        envAdd: o.envAdd as string[],
        envRm: o.envRm as string[],
        labelAdd: o.labelAdd as string[],
        labelRm: o.labelRm as string[],
        publishAdd: o.publishAdd as string[],
        publishRm: o.publishRm as string[],
        constraintAdd: o.constraintAdd as string[],
        constraintRm: o.constraintRm as string[],
        placementPrefAdd: o.placementPrefAdd as string[],
        placementPrefRm: o.placementPrefRm as string[],
        mountAdd: o.mountAdd as string[],
        mountRm: o.mountRm as string[],
        ...taskFlags(o),
        maxReplicas: s("replicasMaxPerNode"),
        ...updateTuningFlags(o),
        force: o.force === true,
        envLookup: (k) => process.env[k],
      };
      await update(cmd, ref, (spec) => applyServiceUpdate(spec, stripUndefined(flags)), o.rollback === true, o.detach === true, o.quiet === true);
    });

  service
    .command("rollback")
    .description("Roll a service back to its previous spec")
    .argument("<service>")
    .option("-d, --detach", "do not wait for convergence")
    .action(async (ref: string, o: { detach?: boolean }, cmd: Command) => update(cmd, ref, (x) => x, true, o.detach === true));

  service
    .command("rm")
    .description("Remove services")
    .argument("<service...>")
    .action(async (refs: string[], _o: unknown, cmd: Command) => {
      await withClient(controlClient(cmd), async (c) => {
        for (const ref of refs) {
          await callUnary((md, opt, cb) => c.RemoveService({ serviceId: ref }, md, opt, cb));
          process.stdout.write(`${ref}\n`);
        }
      });
    });

  const node = program.commands.find((x) => x.name() === "node") ?? program.command("node");
  registerTaskListCommands(service, node);
}

/** Reads one `--env-file` (parsed with the other flags, so a bad line names file and line). */
function readEnvFile(path: string): EnvFile {
  try {
    return { path, text: readFileSync(path, "utf8") };
  } catch (err) {
    throw new ValidationError("--env-file", `open ${path}: ${errorMessage(err)}`);
  }
}

/** One `service ls` row, keyed by Docker's template field names. */
export interface ServiceRow {
  readonly ID: string;
  readonly Name: string;
  readonly Mode: string;
  readonly Replicas: string;
  readonly Image: string;
  readonly Ports: string;
}

const SERVICE_COLUMNS: Columns<ServiceRow> = [["ID", "ID"], ["NAME", "Name"], ["MODE", "Mode"], ["REPLICAS", "Replicas"], ["IMAGE", "Image"], ["PORTS", "Ports"]];

/** A `service ls` row: REPLICAS is running/desired, for a global service too (one per node with a task to run). */
export function serviceRow(s: Service__Output, tasks: readonly Task__Output[]): ServiceRow {
  const mine = tasks.filter((t) => t.serviceId === s.id && t.desiredState === "RUNNING");
  const running = mine.filter((t) => t.status?.state === "RUNNING").length;
  const want = replicasOf(s.spec);
  const ports = (s.spec?.endpoint?.ports ?? []).map((p) => `*:${p.publishedPort}->${p.targetPort}/${p.protocol.toLowerCase()}`).join(", ");
  return {
    ID: s.id.slice(0, 12),
    Name: s.spec?.annotations?.name ?? "",
    Mode: want === undefined ? "global" : "replicated",
    Replicas: `${running}/${want ?? new Set(mine.map((t) => t.nodeId)).size}`,
    Image: (s.spec?.task?.container?.image ?? "").replace(/@sha256:[0-9a-f]+$/, ""),
    Ports: ports,
  };
}

/** `--replicas-max-per-node` (Docker's name) or its older spelling `--max-replicas`. */
function replicasMaxPerNode(o: Record<string, unknown>): string | undefined {
  const docker = o.replicasMaxPerNode as string | undefined;
  const ours = o.maxReplicas as string | undefined;
  if (docker !== undefined && ours !== undefined && docker !== ours) {
    throw new SwarmError(ErrorCode.InvalidArgument, `--replicas-max-per-node ${docker} and --max-replicas ${ours} disagree: give one`);
  }
  return docker ?? ours;
}

/** The `--update-*` and `--rollback-*` flags as typed (unset ones undefined). */
/** What `service create` and `service update` read alike: resources, restart policy, stop grace, health check. */
function taskFlags(o: Record<string, unknown>): Pick<ServiceUpdateFlags, "limitCpu" | "limitMemory" | "limitPids" | "reserveCpu" | "reserveMemory" | "restartCondition" | "restartDelay" | "restartMaxAttempts" | "restartWindow" | "stopGracePeriod" | "healthCmd" | "healthInterval" | "healthTimeout" | "healthRetries" | "healthStartPeriod" | "noHealthcheck"> {
  const s = (k: string): string | undefined => o[k] as string | undefined;
  return {
    limitCpu: s("limitCpu"),
    limitMemory: s("limitMemory"),
    limitPids: s("limitPids"),
    reserveCpu: s("reserveCpu"),
    reserveMemory: s("reserveMemory"),
    restartCondition: s("restartCondition"),
    restartDelay: s("restartDelay"),
    restartMaxAttempts: s("restartMaxAttempts"),
    restartWindow: s("restartWindow"),
    stopGracePeriod: s("stopGracePeriod"),
    healthCmd: s("healthCmd"),
    healthInterval: s("healthInterval"),
    healthTimeout: s("healthTimeout"),
    healthRetries: s("healthRetries"),
    healthStartPeriod: s("healthStartPeriod"),
    // commander sets healthcheck=true by default for a --no-* flag: only an explicit one counts.
    noHealthcheck: o.healthcheck === false,
  };
}

function updateTuningFlags(o: Record<string, unknown>): { update: UpdateFlags; rollback: UpdateFlags } {
  const s = (k: string): string | undefined => o[k] as string | undefined;
  const tuning = (p: "update" | "rollback"): UpdateFlags => ({
    parallelism: s(`${p}Parallelism`),
    delay: s(`${p}Delay`),
    failureAction: s(`${p}FailureAction`),
    monitor: s(`${p}Monitor`),
    order: s(`${p}Order`),
    maxFailureRatio: s(`${p}MaxFailureRatio`),
  });
  return { update: tuning("update"), rollback: tuning("rollback") };
}

function stripUndefined(flags: ServiceUpdateFlags): ServiceUpdateFlags {
  const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  const out = clean(flags) as ServiceUpdateFlags & { update?: object; rollback?: object };
  const u = flags.update === undefined ? undefined : clean(flags.update);
  const r = flags.rollback === undefined ? undefined : clean(flags.rollback);
  return { ...out, update: u !== undefined && Object.keys(u).length > 0 ? u : undefined, rollback: r !== undefined && Object.keys(r).length > 0 ? r : undefined };
}
