import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isMountPoint, prepareRootfs, type PreparedRootfs } from "./rootfs.js";
import { ImageStore } from "./store.js";
import { buildOciArchive } from "./testing/archives.js";
import { buildTestImages } from "./testing/test-images.js";
import { encodeTar, type TarWriteEntry } from "./tar/writer.js";

// Root: overlay mounts, mknod whiteouts, trusted.* xattrs, chown. The layer's unpacking is checked
// through the kernel's own view: what overlayfs shows in the container rootfs.

let work = "";
let store: ImageStore;
const prepared: PreparedRootfs[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "swarm-rootfs-int-"));
  store = ImageStore.open({ root: join(work, "store") });
  await store.load(buildTestImages().web1);
});

afterEach(async () => {
  for (const p of prepared.splice(0)) await p.release();
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function prepare(ref: string, name: string): Promise<PreparedRootfs> {
  const p = await prepareRootfs(store, ref, join(work, name));
  prepared.push(p);
  return p;
}

const T = 1_700_000_000;
const dir = (path: string, extra: Partial<TarWriteEntry> = {}): TarWriteEntry => ({ path, type: "directory", mode: 0o755, mtime: T, ...extra });
const file = (path: string, data: string, extra: Partial<TarWriteEntry> = {}): TarWriteEntry => ({ path, type: "file", mode: 0o644, mtime: T, data: Buffer.from(data), ...extra });

describe("overlay rootfs from an image", () => {
  it("two containers share the unpacked layers (same inode) and do not see each other's writes", async () => {
    const a = await prepare("demo/web:1", "c-a");
    const b = await prepare("demo/web:1", "c-b");
    expect(isMountPoint(a.rootfs) && isMountPoint(b.rootfs)).toBe(true);
    const base = store.resolve("demo/web:1").record.layers[0];
    if (base === undefined) throw new Error("image has no layers");
    const lowerIno = statSync(join(store.layerDir(base.diffId), "bin/busybox")).ino;
    expect(statSync(join(a.rootfs, "bin/busybox")).ino).toBe(lowerIno);
    expect(statSync(join(b.rootfs, "bin/busybox")).ino).toBe(lowerIno);
    expect(readFileSync(join(a.rootfs, "etc/demo-image"), "utf8")).toBe("demo/web:1\n");

    writeFileSync(join(a.rootfs, "www/index.html"), "only in a\n");
    writeFileSync(join(a.rootfs, "etc/demo-image"), "changed in a\n");
    expect(existsSync(join(b.rootfs, "www/index.html"))).toBe(false);
    expect(readFileSync(join(b.rootfs, "etc/demo-image"), "utf8")).toBe("demo/web:1\n");
    // The write went to a's upper dir; the shared layer is untouched.
    expect(readFileSync(join(work, "c-a/upper/etc/demo-image"), "utf8")).toBe("changed in a\n");
    for (const l of store.resolve("demo/web:1").record.layers) {
      expect(existsSync(join(store.layerDir(l.diffId), "www/index.html"))).toBe(false);
    }
    expect(a.config.config.cmd?.[0]).toBe("/bin/sh");
  });

  it("release unmounts and removes the container's dirs; twice is harmless", async () => {
    const c = await prepareRootfs(store, "demo/web:1", join(work, "c-rel"));
    await c.release();
    await c.release();
    expect(isMountPoint(c.rootfs)).toBe(false);
    for (const d of ["rootfs", "upper", "work"]) expect(existsSync(join(work, "c-rel", d))).toBe(false);
  });

  it("`image rm` is refused while a container rootfs is mounted, and works after release", async () => {
    const tmp = ImageStore.open({ root: join(work, "store-rm") });
    await tmp.load(buildTestImages().web2);
    const c = await prepareRootfs(tmp, "demo/web:2", join(work, "c-rm"));
    try {
      await expect(tmp.remove("demo/web:2", isMountPoint)).rejects.toThrow(/image demo\/web:2 is in use by 1 container/);
      expect(tmp.resolve("demo/web:2").tags).toEqual(["demo/web:2"]);
    } finally {
      await c.release();
    }
    await expect(tmp.remove("demo/web:2", isMountPoint)).resolves.toMatchObject({ untagged: ["demo/web:2"] });
  });

  it("refuses an unknown image with a clear error and leaves no dirs", async () => {
    await expect(prepareRootfs(store, "demo/nope:1", join(work, "c-nope"))).rejects.toThrow("no such image: demo/nope:1");
    expect(existsSync(join(work, "c-nope/rootfs"))).toBe(false);
  });
});

describe("layer unpacking through overlayfs", () => {
  beforeAll(async () => {
    const lower = encodeTar([
      dir("a"),
      file("a/keep", "keep"),
      file("a/gone", "gone"),
      dir("d"),
      file("d/old", "old"),
      dir("d/sub"),
      file("d/sub/deep", "deep"),
      dir("e"),
      file("e/x", "x"),
    ]);
    const upper = encodeTar([
      dir("a"),
      file("a/.wh.gone", ""),
      dir("d"),
      file("d/.wh..wh..opq", ""),
      file("d/new", "new"),
      file(".wh.e", ""),
      dir("meta", { mode: 0o750, uid: 1234, gid: 4321, mtime: T + 5 }),
      file("meta/suid", "#!/bin/sh\n", { mode: 0o4755, uid: 1000, gid: 1000, mtime: T + 7 }),
      { path: "meta/link", type: "symlink", linkPath: "suid", mtime: T + 9 },
      { path: "meta/hard", type: "hardlink", linkPath: "meta/suid" },
      file(`meta/${"long-name-".repeat(20)}`, "long"),
    ]);
    const archive = join(work, "whiteouts.tar");
    writeFileSync(archive, buildOciArchive([{ name: "demo/whiteouts:1", layers: [lower, upper], config: { cmd: ["/bin/true"] } }]));
    await store.load(archive);
  });

  it("whiteouts hide lower files and dirs; opaque dirs hide the lower dir's content", async () => {
    const c = await prepare("demo/whiteouts:1", "c-wh");
    expect(readFileSync(join(c.rootfs, "a/keep"), "utf8")).toBe("keep");
    expect(existsSync(join(c.rootfs, "a/gone"))).toBe(false);
    expect(existsSync(join(c.rootfs, "e"))).toBe(false);
    expect(existsSync(join(c.rootfs, "d/old"))).toBe(false);
    expect(existsSync(join(c.rootfs, "d/sub"))).toBe(false);
    expect(readFileSync(join(c.rootfs, "d/new"), "utf8")).toBe("new");
    // In the layer dir itself: a 0:0 char device we made, and the opaque xattr.
    const top = store.resolve("demo/whiteouts:1").record.layers[1];
    if (top === undefined) throw new Error("no top layer");
    const wh = lstatSync(join(store.layerDir(top.diffId), "a/gone"));
    expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true);
    expect(existsSync(join(store.layerDir(top.diffId), "a/.wh.gone"))).toBe(false);
    const xattr = execFileSync("getfattr", ["--absolute-names", "--only-values", "-n", "trusted.overlay.opaque", join(store.layerDir(top.diffId), "d")], { encoding: "utf8" });
    expect(xattr).toBe("y");
  });

  it("preserves modes (setuid), owners, mtimes, symlinks and hard links", async () => {
    const c = await prepare("demo/whiteouts:1", "c-meta");
    const m = lstatSync(join(c.rootfs, "meta"));
    expect([m.mode & 0o7777, m.uid, m.gid, m.mtimeMs / 1000]).toEqual([0o750, 1234, 4321, T + 5]);
    const s = lstatSync(join(c.rootfs, "meta/suid"));
    expect([s.mode & 0o7777, s.uid, s.gid, s.mtimeMs / 1000]).toEqual([0o4755, 1000, 1000, T + 7]);
    expect(readlinkSync(join(c.rootfs, "meta/link"))).toBe("suid");
    expect(lstatSync(join(c.rootfs, "meta/link")).mtimeMs / 1000).toBe(T + 9);
    const top = store.resolve("demo/whiteouts:1").record.layers[1];
    if (top === undefined) throw new Error("no top layer");
    const layer = store.layerDir(top.diffId);
    expect(statSync(join(layer, "meta/hard")).ino).toBe(statSync(join(layer, "meta/suid")).ino);
    expect(statSync(join(layer, "meta/suid")).nlink).toBe(2);
    expect(readFileSync(join(c.rootfs, `meta/${"long-name-".repeat(20)}`), "utf8")).toBe("long");
  });
});

describe("odd but legal layer orderings", () => {
  it("an opaque marker under a dir later replaced by a file is dropped; a dir re-made after its whiteout hides the lower one", async () => {
    const lower = encodeTar([dir("y"), file("y/old", "old")]);
    const layer = encodeTar([dir("x"), file("x/.wh..wh..opq", ""), file("x", "now a file"), file(".wh.y", ""), dir("y"), file("y/z", "z")]);
    const archive = join(work, "odd.tar");
    writeFileSync(archive, buildOciArchive([{ name: "demo/odd:1", layers: [lower, layer], config: {} }]));
    await store.load(archive);
    const c = await prepare("demo/odd:1", "c-odd");
    expect(readFileSync(join(c.rootfs, "x"), "utf8")).toBe("now a file");
    expect(readFileSync(join(c.rootfs, "y/z"), "utf8")).toBe("z");
    expect(existsSync(join(c.rootfs, "y/old")), "y was whited out, then re-made: the lower y/old stays hidden").toBe(false);
  });
});
