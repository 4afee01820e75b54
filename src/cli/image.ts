/**
 * `swarmctl image load|import|ls|inspect|rm`. Until the daemon serves images these work on a local store
 * directly: `--store DIR` (default $SWARM_IMAGE_STORE or /var/lib/swarmd/images). Output mirrors
 * `docker load/import/images/inspect/rmi`.
 */
import type { Command } from "commander";
import { SwarmError, ValidationError } from "../lib/errors.js";
import { canonicalName } from "../image/archive.js";
import { ImageError } from "../image/errors.js";
import { imageRowJson, imageRows, imageTable, inspectDocument, shortId } from "../image/format.js";
import { importRootfs } from "../image/import.js";
import type { ContainerConfigInput } from "../image/manifest.js";
import { isMountPoint } from "../image/rootfs.js";
import { DEFAULT_IMAGE_STORE, ImageStore } from "../image/store.js";

function storeRoot(opts: { store?: string }): string {
  return opts.store ?? process.env.SWARM_IMAGE_STORE ?? DEFAULT_IMAGE_STORE;
}

function openStore(opts: { store?: string }): ImageStore {
  return ImageStore.open({ root: storeRoot(opts) });
}

function out(text: string): void {
  process.stdout.write(text);
}

/** Parses `--cmd` / `--entrypoint`: a JSON array of strings (exec form) or a string (shell form). */
export function parseCommandFlag(flag: string, value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ValidationError(flag, `${JSON.stringify(value)} is not a valid JSON array`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((s): s is string => typeof s === "string")) {
      throw new ValidationError(flag, `${JSON.stringify(value)} must be a non-empty JSON array of strings`);
    }
    return parsed;
  }
  if (trimmed === "") throw new ValidationError(flag, "must not be empty");
  return ["/bin/sh", "-c", value];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `repo` or `repo:tag` for `image ls` (unlike a reference, no tag means every tag). */
export function parseRepositoryFilter(filter: string): { repository: string; tag?: string } {
  const hasTag = filter.lastIndexOf(":") > filter.lastIndexOf("/");
  const [name, tag] = canonicalName(filter, "repository filter").split(/:(?=[^:/]*$)/);
  return hasTag ? { repository: name ?? "", tag: tag ?? "" } : { repository: name ?? "" };
}

function withStore(cmd: Command): Command {
  return cmd.option("--store <dir>", "image store directory (default: $SWARM_IMAGE_STORE or /var/lib/swarmd/images)");
}

/** Registers the `image` command group on the program. */
export function registerImageCommands(program: Command): void {
  const image = program.command("image").description("Manage images in the node-local image store");

  withStore(image.command("load"))
    .description("Load images from an OCI image-layout or `docker save` tar (file or stdin)")
    .argument("[file]", "archive to load")
    .option("-i, --input <file>", "read the archive from a file instead of stdin")
    .option("-q, --quiet", "print only the image ids")
    .action(async (file: string | undefined, opts: { input?: string; quiet?: boolean; store?: string }) => {
      const path = opts.input ?? file;
      if (path === undefined && process.stdin.isTTY) {
        throw new ValidationError("input", "no archive given: pass FILE, -i FILE, or pipe a tar on stdin");
      }
      const store = openStore(opts);
      const loaded = await store.load(path ?? process.stdin);
      for (const img of loaded) {
        if (opts.quiet) out(`${img.configDigest}\n`);
        else if (img.names.length === 0) out(`Loaded image ID: ${img.configDigest}\n`);
        else for (const n of img.names) out(`Loaded image: ${n}\n`);
      }
    });

  withStore(image.command("import"))
    .description("Create a one-layer image from a root filesystem tar (plain or gzip)")
    .argument("<file>", "rootfs tar")
    .argument("[reference]", "name[:tag] for the image, as `docker import FILE REF` (same as --tag)")
    .option("-t, --tag <name:tag>", "name the image")
    .option("--cmd <cmd>", "default command: JSON array (exec form) or a string (run by /bin/sh -c)")
    .option("--entrypoint <cmd>", "entrypoint: JSON array or a string (run by /bin/sh -c)")
    .option("-e, --env <KEY=VALUE>", "environment variable (repeatable)", collect, [])
    .option("-w, --workdir <dir>", "working directory")
    .option("-u, --user <user>", "user[:group]")
    .option("--expose <port[/proto]>", "exposed port (repeatable)", collect, [])
    .option("-l, --label <key=value>", "label (repeatable)", collect, [])
    .action(async (file: string, reference: string | undefined, opts: ImportFlags) => {
      if (reference !== undefined && opts.tag !== undefined && reference !== opts.tag) {
        throw new ValidationError("--tag", `${JSON.stringify(opts.tag)} conflicts with the reference argument ${JSON.stringify(reference)}`);
      }
      const tag = opts.tag ?? reference;
      const config = importConfig(opts);
      const store = openStore(opts);
      const loaded = await importRootfs(store, file, { ...(tag === undefined ? {} : { tag }), config, comment: `imported from ${file}` });
      out(`${loaded.configDigest}\n`);
    });

  withStore(image.command("ls").alias("list"))
    .description("List images")
    .argument("[repository[:tag]]", "only images of this repository (and tag)")
    .option("-q, --quiet", "only show image ids")
    .option("--format <format>", "table (default) or json (one object per line)", "table")
    .option("--no-trunc", "do not truncate image ids")
    .action((filter: string | undefined, opts: { quiet?: boolean; format: string; trunc: boolean; store?: string }) => {
      if (opts.format !== "table" && opts.format !== "json") throw new ValidationError("--format", `${JSON.stringify(opts.format)} is not "table" or "json"`);
      const wanted = filter === undefined ? undefined : parseRepositoryFilter(filter);
      const store = openStore(opts);
      const now = new Date();
      const rows = imageRows(store.list()).filter((r) => wanted === undefined || (r.repository === wanted.repository && (wanted.tag === undefined || r.tag === wanted.tag)));
      if (opts.quiet) {
        const ids = [...new Set(rows.map((r) => (opts.trunc ? shortId(r.id) : r.id)))];
        out(ids.map((id) => `${id}\n`).join(""));
      } else if (opts.format === "json") {
        out(rows.map((r) => `${JSON.stringify(imageRowJson(r, now))}\n`).join(""));
      } else {
        out(imageTable(rows, now));
      }
    });

  withStore(image.command("inspect"))
    .description("Show details of one or more images as JSON")
    .argument("<ref...>", "name[:tag], digest or id prefix")
    .action((refs: string[], opts: { store?: string }) => {
      const store = openStore(opts);
      const index = store.index();
      out(`${JSON.stringify(refs.map((r) => inspectDocument(store.resolve(r, index))), null, 4)}\n`);
    });

  withStore(image.command("tag"))
    .description("Give an image another name:tag")
    .argument("<source>", "name[:tag], digest or id prefix")
    .argument("<target>", "new name[:tag]")
    .action(async (source: string, target: string, opts: { store?: string }) => {
      await openStore(opts).tag(source, target);
    });

  withStore(image.command("rm").alias("remove"))
    .description("Remove images (refused while a container uses them)")
    .argument("<ref...>", "name[:tag], digest or id prefix")
    .option("-f, --force", "remove an image referenced by several tags (never one a container uses)")
    .action(async (refs: string[], opts: { store?: string; force?: boolean }) => {
      const store = openStore(opts);
      const failures: ImageError[] = [];
      for (const ref of refs) {
        try {
          const r = await store.remove(ref, isMountPoint, { force: opts.force === true });
          for (const t of r.untagged) out(`Untagged: ${t}\n`);
          for (const d of r.deleted) out(`Deleted: ${d}\n`);
        } catch (err) {
          if (!(err instanceof ImageError) || refs.length === 1) throw err;
          failures.push(err);
        }
      }
      const [first] = failures;
      if (first !== undefined) throw new SwarmError(first.code, failures.map((f) => f.message).join("; "));
    });
}

interface ImportFlags {
  tag?: string;
  cmd?: string;
  entrypoint?: string;
  env: string[];
  workdir?: string;
  user?: string;
  expose: string[];
  label: string[];
  store?: string;
}

function importConfig(opts: ImportFlags): ContainerConfigInput {
  for (const e of opts.env) if (!/^[^=\s]+=/.test(e)) throw new ValidationError("--env", `${JSON.stringify(e)} is not KEY=VALUE`);
  const ports = opts.expose.map((p) => {
    const m = /^([0-9]{1,5})(?:\/(tcp|udp|sctp))?$/.exec(p);
    const port = Number(m?.[1]);
    if (m === null || port < 1 || port > 65535) throw new ValidationError("--expose", `${JSON.stringify(p)} is not port[/tcp|udp|sctp] with port 1-65535`);
    return `${port}/${m[2] ?? "tcp"}`;
  });
  const labels: Record<string, string> = {};
  for (const l of opts.label) {
    const eq = l.indexOf("=");
    if (eq <= 0) throw new ValidationError("--label", `${JSON.stringify(l)} is not key=value`);
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const hasPath = opts.env.some((e) => e.startsWith("PATH="));
  return {
    env: hasPath ? opts.env : ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...opts.env],
    ...(opts.cmd === undefined ? {} : { cmd: parseCommandFlag("--cmd", opts.cmd) }),
    ...(opts.entrypoint === undefined ? {} : { entrypoint: parseCommandFlag("--entrypoint", opts.entrypoint) }),
    ...(opts.workdir === undefined ? {} : { workingDir: opts.workdir }),
    ...(opts.user === undefined ? {} : { user: opts.user }),
    exposedPorts: ports,
    labels,
  };
}
