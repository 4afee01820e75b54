/**
 * Container root filesystems from images: overlayfs with the image's unpacked layers as read-only lower
 * dirs (shared by every container) and `upper/` + `work/` in the container's own directory. Each prepared
 * rootfs is registered under the store's `containers/` so `image rm` refuses while it is mounted.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { runProcess } from "../lib/spawner.js";
import { ImageError, ImageErrorCode } from "./errors.js";
import type { ImageConfig } from "./manifest.js";
import type { ContainerUse, ImageStore, ResolvedImage } from "./store.js";

/** A mounted container rootfs. */
export interface PreparedRootfs {
  /** The overlay mount point (`<containerDir>/rootfs`). */
  readonly rootfs: string;
  /** The image's run-time defaults. */
  readonly config: ImageConfig;
  readonly image: ResolvedImage;
  /** Unmounts and removes rootfs/, upper/ and work/; safe to call twice. */
  release(): Promise<void>;
}

function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** True when `path` is a mount point in this process's mount namespace. */
export function isMountPoint(path: string): boolean {
  const target = resolve(path);
  const info = readFileSync("/proc/self/mountinfo", "utf8");
  for (const line of info.split("\n")) {
    const mountPoint = line.split(" ")[4];
    if (mountPoint !== undefined && unescapeMountPath(mountPoint) === target) return true;
  }
  return false;
}

async function run(tool: string, args: string[], what: string): Promise<void> {
  let r;
  try {
    r = await runProcess(tool, args); // the shared spawner: no fork of the daemon per mount
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ImageError(ImageErrorCode.Host, `${what}: ${e.code === "ENOENT" ? `${tool} not found` : e.message}`, { cause: err });
  }
  if (r.code !== 0) throw new ImageError(ImageErrorCode.Host, `${what}: ${r.stderr.trim() || `${tool} exited with ${String(r.code ?? r.signal)}`}`);
}

/** The image store's use record of the rootfs in `containerDir` (it keeps the image from GC while the container lives). */
export function rootfsUseFile(store: ImageStore, containerDir: string): string {
  return join(store.root, "containers", `${createHash("sha256").update(resolve(containerDir)).digest("hex").slice(0, 32)}.json`);
}

/** Options of {@link prepareRootfs}. */
export interface PrepareRootfsOptions {
  /**
   * Files to place in the upper dir before the mount ("etc/hosts" → text, mode 0644, parents 0755):
   * they shadow the image's files without a copy-up through the mounted overlay (which fsyncs).
   */
  readonly upperFiles?: Readonly<Record<string, string>>;
}

/**
 * Mounts an overlay rootfs for `imageRef` in `containerDir` (created if missing): lower = the image's
 * layers (top first), upper/work = `<containerDir>/upper|work`, mount point `<containerDir>/rootfs`.
 */
export async function prepareRootfs(store: ImageStore, imageRef: string, containerDir: string, prepareOptions: PrepareRootfsOptions = {}): Promise<PreparedRootfs> {
  const dir = resolve(containerDir);
  if (/[,:]/.test(dir)) throw new ImageError(ImageErrorCode.Host, `container dir ${JSON.stringify(dir)} must not contain ',' or ':' (overlay mount options)`);
  const rootfs = join(dir, "rootfs");
  const upper = join(dir, "upper");
  const work = join(dir, "work");
  const record = rootfsUseFile(store, dir);
  const image = await store.locked(() => {
    const resolved = store.resolve(imageRef);
    if (existsSync(rootfs) && isMountPoint(rootfs)) {
      throw new ImageError(ImageErrorCode.Host, `container dir ${dir}: rootfs is already mounted`);
    }
    for (const l of resolved.record.layers) {
      if (!existsSync(store.layerDir(l.diffId))) {
        throw new ImageError(ImageErrorCode.NotFound, `image ${imageRef}: layer ${l.diffId} is missing from the store (${store.layerDir(l.diffId)})`);
      }
    }
    const use: ContainerUse = { imageId: resolved.record.configDigest, containerDir: dir, rootfs };
    // tmp + rename without fsync: the record only guards the image from GC while the container lives,
    // and a power cut ends the container too (an fsync per task start cost ~50 ms each under the lock).
    writeFileSync(`${record}.tmp`, JSON.stringify(use));
    renameSync(`${record}.tmp`, record);
    return resolved;
  });
  const cleanupDirs = (): void => {
    for (const d of [rootfs, upper, work]) rmSync(d, { recursive: true, force: true });
  };
  try {
    for (const d of [rootfs, upper, work]) mkdirSync(d, { recursive: true, mode: 0o755 });
    for (const [rel, text] of Object.entries(prepareOptions.upperFiles ?? {})) {
      const path = resolve(upper, rel);
      if (!path.startsWith(`${upper}/`)) throw new ImageError(ImageErrorCode.Host, `upper file ${JSON.stringify(rel)} is outside the container's upper dir`);
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      writeFileSync(path, text, { mode: 0o644 });
    }
    const lower = image.record.layers
      .map((l) => store.layerDir(l.diffId))
      .reverse()
      .join(":");
    const options = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
    if (options.length > 4000) throw new ImageError(ImageErrorCode.Host, `image ${imageRef}: ${image.record.layers.length} layers make overlay options too long (${options.length} bytes)`);
    await run("mount", ["-t", "overlay", "overlay", "-o", options, rootfs], `mount overlay rootfs for ${imageRef} at ${rootfs}`);
  } catch (err) {
    cleanupDirs();
    rmSync(record, { force: true });
    throw err;
  }
  let released = false;
  return {
    rootfs,
    config: image.config,
    image,
    release: async () => {
      if (released) return;
      if (isMountPoint(rootfs)) {
        try {
          await run("umount", [rootfs], `unmount ${rootfs}`);
        } catch {
          await run("umount", ["-l", rootfs], `lazy unmount ${rootfs}`);
        }
      }
      cleanupDirs();
      rmSync(record, { force: true });
      released = true;
    },
  };
}
