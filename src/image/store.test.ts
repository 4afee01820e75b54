import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { digestOf } from "./digest.js";
import { ImageError } from "./errors.js";
import { importRootfs } from "./import.js";
import { buildOciArchive, imageBlobs, type ImageSpec } from "./testing/archives.js";
import { listTree } from "./testing/store-listing.js";
import { buildTestImages, type TestImages } from "./testing/test-images.js";
import { ImageStore } from "./store.js";
import { encodeHeader } from "./tar/header.js";
import { encodeTar, type TarWriteEntry } from "./tar/writer.js";

let images: TestImages;
let work = "";
let store: ImageStore;
const notMounted = (): boolean => false;

beforeAll(() => {
  images = buildTestImages();
});

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "swarm-image-store-"));
  store = ImageStore.open({ root: join(work, "store"), now: () => new Date("2026-01-01T00:00:00Z") });
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

function archive(name: string, spec: ImageSpec, tamper = {}): string {
  const path = join(work, name);
  writeFileSync(path, buildOciArchive([spec], tamper));
  return path;
}

const file = (path: string, data = "x"): TarWriteEntry => ({ path, type: "file", mode: 0o644, data: Buffer.from(data) });
const layer = (...entries: TarWriteEntry[]): Buffer => encodeTar(entries);
const spec = (...layers: Buffer[]): ImageSpec => ({ name: "evil/image:1", layers, config: { cmd: ["/bin/true"] } });

describe("loading", () => {
  it("loads an OCI layout archive: tag, config and one unpacked dir per layer", async () => {
    const loaded = await store.load(images.web1);
    expect(loaded).toEqual([expect.objectContaining({ names: ["demo/web:1"] })]);
    const img = store.resolve("demo/web:1");
    expect(img.config.config.exposedPorts).toEqual(["80/tcp"]);
    expect(img.config.config.healthcheck?.test).toEqual(["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/ || exit 1"]);
    expect(img.config.config.cmd?.join(" ")).toContain('echo "web v1 on $(hostname)"');
    expect(img.record.layers).toHaveLength(2);
    for (const l of img.record.layers) expect(existsSync(join(store.layerDir(l.diffId), "bin/busybox")) || l.unpackedSize < 100).toBe(true);
    expect(readdirSync(join(store.root, "tmp"))).toEqual([]);
  });

  it("shares the base layer between demo/web:1 and demo/web:2", async () => {
    await store.load(images.web1);
    await store.load(images.web2);
    const a = store.resolve("demo/web:1").record.layers;
    const b = store.resolve("demo/web:2").record.layers;
    expect(a[0]?.diffId).toBe(b[0]?.diffId);
    expect(a[1]?.diffId).not.toBe(b[1]?.diffId);
    expect(readdirSync(join(store.root, "layers"))).toHaveLength(3);
  });

  it("loads a docker-save archive as the same image (same id) as the OCI archive", async () => {
    const [fromDocker] = await store.load(images.web1DockerSave);
    expect(fromDocker?.names).toEqual(["demo/web:1"]);
    const [fromOci] = await store.load(images.web1);
    expect(fromOci?.configDigest).toBe(fromDocker?.configDigest);
    expect(store.list()).toHaveLength(1);
    // The docker-save manifest (uncompressed layer blobs) was superseded and collected.
    expect(store.blobs.list()).toHaveLength(4);
  });

  it("takes the name from the legacy `repositories` file when RepoTags is absent", async () => {
    const l = layer(file("hello"));
    const blobs = imageBlobs({ name: "legacy/app:7", layers: [l], config: {}, gzip: false });
    const path = writeTar("legacy.tar", [
      { path: "l1/layer.tar", type: "file", data: l },
      { path: "cfg.json", type: "file", data: blobs.config },
      file("manifest.json", JSON.stringify([{ Config: "cfg.json", Layers: ["l1/layer.tar"] }])),
      file("repositories", JSON.stringify({ "legacy/app": { "7": "l1" } })),
    ]);
    const [loaded] = await store.load(path);
    expect(loaded?.names).toEqual(["legacy/app:7"]);
  });

  it("follows archive-internal symlinks between docker-save layers", async () => {
    const l = layer(file("shared"));
    const blobs = imageBlobs({ name: "x/y:1", layers: [l, l], config: {}, gzip: false });
    const path = join(work, "dedup.tar");
    writeFileSync(
      path,
      encodeTar([
        { path: "a/layer.tar", type: "file", data: l },
        { path: "b/layer.tar", type: "symlink", linkPath: "../a/layer.tar" },
        { path: "cfg.json", type: "file", data: blobs.config },
        file("manifest.json", JSON.stringify([{ Config: "cfg.json", RepoTags: ["x/y:1"], Layers: ["a/layer.tar", "b/layer.tar"] }])),
      ]),
    );
    await store.load(path);
    expect(store.resolve("x/y:1").record.layers).toHaveLength(2);
  });

  it("loads the Docker ≥ 25 layout (OCI blobs + manifest.json), naming the image from RepoTags", async () => {
    const l = layer(file("etc/os-release", "docker25"));
    const b = imageBlobs({ name: "x:1", layers: [l], config: { cmd: ["/bin/true"] }, gzip: false });
    const layerBlob = b.layers[0];
    if (layerBlob === undefined) throw new Error("no layer");
    const blob = (digest: string, data: Buffer): TarWriteEntry => ({ path: `blobs/sha256/${digest.slice(7)}`, type: "file", data });
    const path = writeTar("docker25.tar", [
      file("oci-layout", '{"imageLayoutVersion":"1.0.0"}'),
      file("index.json", JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: b.manifestDigest, size: b.manifest.length }] })),
      blob(b.manifestDigest, b.manifest),
      blob(b.configDigest, b.config),
      blob(layerBlob.digest, layerBlob.blob),
      file("manifest.json", JSON.stringify([{ Config: `blobs/sha256/${b.configDigest.slice(7)}`, RepoTags: ["docker.io/library/busybox:1.36"], Layers: [`blobs/sha256/${layerBlob.digest.slice(7)}`] }])),
    ]);
    const [loaded] = await store.load(path);
    expect(loaded?.names).toEqual(["busybox:1.36"]);
    expect(store.resolve("busybox:1.36").record.manifestDigest).toBe(b.manifestDigest);
  });

  it("serializes concurrent loads through the store lock (two stores on one root, like two processes)", async () => {
    const other = ImageStore.open({ root: store.root });
    await Promise.all([store.load(images.web1), other.load(images.web2), store.load(images.web1)]);
    expect(store.list().flatMap((i) => i.tags).sort()).toEqual(["demo/web:1", "demo/web:2"]);
    expect(readdirSync(join(store.root, "layers"))).toHaveLength(3);
    expect(readdirSync(join(store.root, "tmp"))).toEqual([]);
    expect(existsSync(join(store.root, "lock"))).toBe(false);
  });

  it("accepts uncompressed OCI layers", async () => {
    await store.load(archive("plain.tar", { ...spec(layer(file("a/b", "hi"))), gzip: false }));
    expect(store.resolve("evil/image:1").record.layers[0]?.mediaType).toBe("application/vnd.oci.image.layer.v1.tar");
  });
});

/** Two small images sharing a base layer, named like the demo images (fast to load). */
async function loadSmallWebImages(): Promise<void> {
  const base = layer(file("bin/app", "base"));
  await store.load(archive("small1.tar", { name: "demo/web:1", layers: [base, layer(file("etc/v", "1"))], config: { cmd: ["/bin/app"] } }));
  await store.load(archive("small2.tar", { name: "demo/web:2", layers: [base, layer(file("etc/v", "2"))], config: { cmd: ["/bin/app"] } }));
}

describe("references", () => {
  beforeEach(loadSmallWebImages);
  it("resolves name:tag, digest, id, id prefix and manifest digest", () => {
    const { record } = store.resolve("demo/web:1");
    expect(store.resolve(record.configDigest).record).toEqual(record);
    expect(store.resolve(record.manifestDigest).record).toEqual(record);
    expect(store.resolve(record.configDigest.slice(7, 19)).record).toEqual(record);
    expect(store.resolve(`demo/web@${record.manifestDigest}`).record).toEqual(record);
  });
  it("defaults the tag to latest and says which reference is missing", () => {
    expect(() => store.resolve("demo/web")).toThrow("no such image: demo/web");
    expect(() => store.resolve("Bad Name")).toThrow(/is not a valid repository name/);
  });
});

describe("hostile and malformed archives are refused and leave nothing behind", () => {
  let before: string[] = [];
  beforeEach(async () => {
    // A small image already in the store: the refused load must not disturb it either.
    await store.load(archive("present.tar", { name: "demo/present:1", layers: [layer(file("etc/present", "here"))], config: {} }));
    before = listTree(store.root);
  });

  const cases: [string, () => string, RegExp][] = [
    ["'../' path in a layer", () => archive("dotdot.tar", spec(layer(file("ok"), file("../escaped")))), /"..\/escaped": path with a '..' component/],
    ["absolute path in a layer", () => archive("abs.tar", spec(layer(file("/etc/escaped")))), /"\/etc\/escaped": absolute path/],
    [
      "symlink then write through it",
      () => archive("symlink.tar", spec(layer({ path: "link", type: "symlink", linkPath: work }, file("link/escaped")))),
      /"link\/escaped": parent "link" is a symlink/,
    ],
    [
      "symlink to a parent then write through it",
      () => archive("symlink2.tar", spec(layer({ path: "d", type: "directory", mode: 0o755 }, { path: "d/up", type: "symlink", linkPath: "../.." }, file("d/up/escaped")))),
      /parent "d\/up" is a symlink/,
    ],
    ["hard link out of the layer (../)", () => archive("hl1.tar", spec(layer({ path: "h", type: "hardlink", linkPath: "../../etc/passwd" }))), /tar entry "h": hard link target "\.\.\/\.\.\/etc\/passwd" escapes the layer/],
    ["hard link to a file not in the layer", () => archive("hl2.tar", spec(layer({ path: "h", type: "hardlink", linkPath: "etc/passwd" }))), /not a regular file earlier in this layer/],
    ["hard link to an absolute path", () => archive("hl3.tar", spec(layer({ path: "h", type: "hardlink", linkPath: "/etc/passwd" }))), /tar entry "h": hard link target "\/etc\/passwd" escapes the layer/],
    ["a pax header that renames a harmless entry to '../'", () => archive("pax.tar", spec(layer({ ...file("harmless"), pax: { path: "../../escaped" } }))), /"..\/..\/escaped": path with a '..' component/],
    ["a GNU long name that escapes", () => archive("gnu.tar", spec(Buffer.concat([gnuLongName(`../${"x/".repeat(60)}../../escaped`), encodeTar([file("short")])]))), /"\.\.\/x\/x\/.*\/escaped": path with a '\.\.' component/],
    ["a GNU long link target that escapes", () => archive("gnulink.tar", spec(Buffer.concat([gnuLongName(`../${"y/".repeat(60)}etc/passwd`, "K"), encodeTar([{ path: "h", type: "hardlink", linkPath: "x" }])]))), /tar entry "h": hard link target "\.\.\/y\/y\/.*etc\/passwd" escapes the layer/],
    ["char device", () => archive("chr.tar", spec(layer({ path: "dev/mem", type: "chardev", devMajor: 1, devMinor: 1 }))), /device node \(chardev 1:1\) is not allowed/],
    ["block device", () => archive("blk.tar", spec(layer({ path: "sda", type: "blockdev", devMajor: 8, devMinor: 0 }))), /device node \(blockdev 8:0\)/],
    ["fifo", () => archive("fifo.tar", spec(layer({ path: "p", type: "fifo" }))), /fifo is not allowed/],
    [
      "a blob whose content does not match its digest",
      () => {
        const s = spec(layer(file("a")));
        return archive("corrupt.tar", s, { corruptBlob: imageBlobs(s).layers[0]?.digest });
      },
      /digest mismatch/,
    ],
    [
      "a missing blob",
      () => {
        const s = spec(layer(file("a")));
        return archive("missing.tar", s, { dropBlob: imageBlobs(s).configDigest });
      },
      /config "blobs\/sha256\/[0-9a-f]{64}" is missing/,
    ],
    [
      "a layer whose content does not match the config's diff_id",
      () => {
        const path = join(work, "diffid.tar");
        const l = layer(file("a"));
        const s = spec(l);
        const b = imageBlobs(s);
        // Swap the config's diff id for another one: blobs stay self-consistent, the layer does not match.
        const badConfig = Buffer.from(b.config.toString().replace(digestOf(l), digestOf(Buffer.from("other"))));
        writeFileSync(path, rebuildWithConfig(s, badConfig));
        return path;
      },
      /uncompressed content vs config rootfs.diff_ids\[0\]: digest mismatch/,
    ],
    [
      "a truncated image archive",
      () => {
        const path = join(work, "trunc.tar");
        const full = buildOciArchive([spec(layer(file("a", "y".repeat(5000))))]);
        writeFileSync(path, full.subarray(0, full.length - 3000));
        return path;
      },
      /truncated/,
    ],
    ["a truncated layer", () => archive("trunc-layer.tar", { ...spec(layer(file("a", "z".repeat(3000))).subarray(0, 1500)), gzip: true }), /truncated: entry "a" has/],
    ["a corrupt gzip layer", () => archive("gz.tar", { ...spec(Buffer.concat([gzipSync(layer(file("a"))).subarray(0, 30)])), gzip: false }), /gzip stream is corrupt/],
    ["a '../' path in the outer archive", () => writeTar("outer.tar", [file("../index.json", "{}")]), /path with a '..' component/],
    ["a tar that is not an image", () => writeTar("notimage.tar", [file("hello.txt")]), /not an image archive: neither oci-layout \+ index.json nor manifest.json found \(entries: hello.txt\)/],
    ["random bytes", () => writeFile("random.tar", Buffer.alloc(4096, 0x41)), /not a tar archive/],
    ["invalid index.json", () => writeTar("badindex.tar", [file("oci-layout", '{"imageLayoutVersion":"1.0.0"}'), file("index.json", "{not json")]), /index.json: not valid JSON/],
  ];

  it.each(cases)("%s", async (_name, make, message) => {
    const path = make();
    const err = await store.load(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, "load should have been refused").toBeInstanceOf(ImageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.startsWith(`${path}: `)).toBe(true);
    expect(listTree(store.root)).toEqual(before);
    expect(existsSync(join(work, "escaped"))).toBe(false);
    expect(existsSync("/etc/escaped")).toBe(false);
  });
});

function writeTar(name: string, entries: TarWriteEntry[]): string {
  return writeFile(name, encodeTar(entries));
}

function writeFile(name: string, data: Buffer): string {
  const path = join(work, name);
  writeFileSync(path, data);
  return path;
}

/** An OCI archive of `s` whose config is replaced (and the manifest re-pointed at it). */
function rebuildWithConfig(s: ImageSpec, config: Buffer): Buffer {
  const b = imageBlobs(s);
  const configDigest = digestOf(config);
  const manifest = Buffer.from(b.manifest.toString().replace(b.configDigest, configDigest).replace(`"size":${b.config.length}`, `"size":${config.length}`));
  const manifestDigest = digestOf(manifest);
  const l = b.layers[0];
  if (l === undefined) throw new Error("no layer");
  return encodeTar([
    file("oci-layout", '{"imageLayoutVersion":"1.0.0"}'),
    file("index.json", JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: manifestDigest, size: manifest.length }] })),
    { path: `blobs/sha256/${manifestDigest.slice(7)}`, type: "file", data: manifest },
    { path: `blobs/sha256/${configDigest.slice(7)}`, type: "file", data: config },
    { path: `blobs/sha256/${l.digest.slice(7)}`, type: "file", data: l.blob },
  ]);
}

describe("limits", () => {
  it("refuses a layer that inflates beyond the layer limit (gzip bomb) and leaves nothing", async () => {
    const small = ImageStore.open({ root: join(work, "small-store"), maxLayerBytes: 1 << 20 });
    const before = listTree(small.root);
    const bomb = layer(file("zeros", "\0".repeat(4 << 20)));
    const path = archive("bomb.tar", { ...spec(bomb), gzip: true });
    await expect(small.load(path)).rejects.toThrow(/layer 0 \(sha256:[0-9a-f]{64}\): uncompressed size exceeds the 1048576-byte layer limit/);
    expect(listTree(small.root)).toEqual(before);
  });
});

describe("import", () => {
  it("makes a one-layer image from a rootfs tar with the given command", async () => {
    const loaded = await importRootfs(store, images.rootfs, { tag: "demo/base:1", config: { cmd: ["/bin/echo", "hi"] }, created: new Date("2025-05-05T00:00:00Z") });
    const img = store.resolve("demo/base:1");
    expect(img.record.configDigest).toBe(loaded.configDigest);
    expect(img.config.config.cmd).toEqual(["/bin/echo", "hi"]);
    expect(img.config.created).toBe("2025-05-05T00:00:00.000Z");
    expect(img.record.layers).toHaveLength(1);
    expect(existsSync(join(store.layerDir(img.record.layers[0]?.diffId ?? "sha256:"), "bin/busybox"))).toBe(true);
  });

  it("imports a gzip rootfs, recording the uncompressed diff id", async () => {
    const tar = layer(file("etc/motd", "hello"));
    const gz = writeFile("rootfs.tar.gz", gzipSync(tar));
    await importRootfs(store, gz, { tag: "demo/gz" });
    const img = store.resolve("demo/gz:latest");
    expect(img.config.diffIds).toEqual([digestOf(tar)]);
    expect(img.record.layers[0]?.digest).toBe(digestOf(gzipSync(tar)));
  });

  it("refuses a hostile rootfs and leaves the store unchanged", async () => {
    const before = listTree(store.root);
    const bad = writeTar("bad-rootfs.tar", [file("../../escaped")]);
    await expect(importRootfs(store, bad, { tag: "demo/bad:1" })).rejects.toThrow(/'\.\.' component/);
    expect(listTree(store.root)).toEqual(before);
  });
});

describe("remove", () => {
  beforeEach(loadSmallWebImages);

  it("deletes the image and collects its own blobs and layers, keeping shared ones", async () => {
    const web2 = store.resolve("demo/web:2").record;
    const r = await store.remove("demo/web:2", notMounted);
    expect(r).toEqual({ untagged: ["demo/web:2"], deleted: [web2.configDigest] });
    expect(store.blobs.has(web2.configDigest)).toBe(false);
    expect(existsSync(store.layerDir(web2.layers[1]?.diffId ?? "sha256:"))).toBe(false);
    expect(existsSync(store.layerDir(web2.layers[0]?.diffId ?? "sha256:"))).toBe(true); // shared with web:1
    expect(() => store.resolve("demo/web:2")).toThrow(/no such image/);
  });

  it("refuses while a container uses the image, and allows it once the use is gone", async () => {
    const { record } = store.resolve("demo/web:1");
    const useFile = join(store.root, "containers", "c1.json");
    writeFileSync(useFile, JSON.stringify({ imageId: record.configDigest, containerDir: "/c1", rootfs: "/c1/rootfs" }));
    await expect(store.remove("demo/web:1", (p) => p === "/c1/rootfs")).rejects.toThrow(/image demo\/web:1 is in use by 1 container\(s\) \(rootfs \/c1\/rootfs\)/);
    expect(store.resolve("demo/web:1").record).toEqual(record);
    // Not mounted any more (e.g. the node rebooted): the stale use is dropped and removal proceeds.
    await expect(store.remove("demo/web:1", notMounted)).resolves.toMatchObject({ deleted: [record.configDigest] });
    expect(existsSync(useFile)).toBe(false);
  });
});

describe("remove with several tags", () => {
  it("only untags when other tags point at the image", async () => {
    const small = (name: string): ImageSpec => ({ name, layers: [layer(file("etc/app", "v1"))], config: { cmd: ["/bin/true"] } });
    const [a] = await store.load(archive("a.tar", small("demo/app:1")));
    const [b] = await store.load(archive("b.tar", small("demo/app:stable")));
    expect(b?.configDigest).toBe(a?.configDigest);
    expect(store.list()).toEqual([expect.objectContaining({ tags: ["demo/app:1", "demo/app:stable"] })]);
    expect(await store.remove("demo/app:stable", notMounted)).toEqual({ untagged: ["demo/app:stable"], deleted: [] });
    expect(store.resolve("demo/app:1").record.configDigest).toBe(a?.configDigest);
    expect(await store.remove("demo/app:1", notMounted)).toEqual({ untagged: ["demo/app:1"], deleted: [a?.configDigest] });
    expect(store.blobs.list()).toEqual([]);
    expect(readdirSync(join(store.root, "layers"))).toEqual([]);
  });
});

describe("tag", () => {
  it("adds a name; removing the image by id then needs force", async () => {
    const [a] = await store.load(archive("t.tar", { name: "demo/t:1", layers: [layer(file("t"))], config: {} }));
    expect(await store.tag("demo/t:1", "docker.io/library/t")).toBe("t:latest");
    expect(store.resolve("t").record.configDigest).toBe(a?.configDigest);
    const id = a?.configDigest ?? "";
    await expect(store.remove(id, notMounted)).rejects.toThrow(/is referenced by 2 tags \(demo\/t:1, t:latest\): remove a tag, or force/);
    expect(await store.remove(id, notMounted, { force: true })).toEqual({ untagged: ["demo/t:1", "t:latest"], deleted: [id] });
    await expect(store.tag("demo/t:1", "x:1")).rejects.toThrow(/no such image: demo\/t:1/);
    await expect(store.tag(id, "Bad:1")).rejects.toThrow(/not a valid repository name/);
  });
});

/** A GNU `L` (long name) or `K` (long link) member; the next member takes its name or link from it. */
function gnuLongName(name: string, flag: "L" | "K" = "L"): Buffer {
  const data = Buffer.from(`${name}\0`);
  const { block } = encodeHeader({ path: "././@LongLink", type: "file", size: data.length });
  block[156] = flag.charCodeAt(0);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return Buffer.concat([block, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}
