// Issue [6] acceptance, images across a netns cluster: h1 is the only manager, h2 and h3 are workers, h4
// runs Debian's docker-registry and no swarmd (a registry host of the test network).
// 1. The registry path: skopeo pushes demo/web:1 into the registry; `service create h4:5000/demo/web:1`
//    makes the manager pull and pin it, the workers (which never had it) fetch it from the manager, and
//    3 tasks run on 3 nodes. A tag the registry lacks is a clear error. An image the manager no longer
//    has is pulled by the workers from the registry themselves.
// 2. A corrupted blob: one byte of a layer in the manager's store flipped; the worker refuses it
//    (digest mismatch in `service ps`), keeps no blob or layer of it, runs nothing; once the byte is
//    restored the restart policy's next task fetches and runs it.
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ImageStore } from "../src/image/store.js";
import { buildTestImages, type TestImages } from "../src/image/testing/test-images.js";
import type { Cluster } from "./lib/cluster.js";
import { skopeoPushFrom, startRegistryOn, type HostRegistry } from "./lib/registry.js";
import { sharedCluster } from "./lib/shared-cluster.js";
import { tableRows as rows, swarmctlOk } from "./lib/swarmctl.js";

let c: Cluster;
let images: TestImages;
let registry: HostRegistry;
const ok = (host: string, ...args: string[]): Promise<string> => swarmctlOk(c, host, ...args);

/** `service ps` rows split into columns (NODE is empty for a task never assigned). */
function psRows(stdout: string): { node: string; desired: string; current: string; error: string; line: string }[] {
  return rows(stdout).map((line) => {
    const cols = line.trim().split(/\s{2,}/);
    const hasNode = /^h\d$/.test(cols[3] ?? "");
    const at = hasNode ? 4 : 3;
    return { node: hasNode ? (cols[3] ?? "") : "", desired: cols[at] ?? "", current: cols[at + 1] ?? "", error: cols.slice(at + 2).join("  "), line };
  });
}

/** Running tasks per node, sorted by node. */
function runningPerNode(stdout: string): Record<string, number> {
  const per: Record<string, number> = {};
  for (const r of psRows(stdout)) if (r.desired === "running" && r.current.startsWith("running")) per[r.node] = (per[r.node] ?? 0) + 1;
  return Object.fromEntries(Object.entries(per).sort());
}

async function waitPs(service: string, what: string, ready: (stdout: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const r = await c.waitFor(() => c.host("h1").swarmctl("service", "ps", service), (x) => x.code === 0 && ready(x.stdout), { timeoutMs, describe: what });
  return r.stdout;
}

const storeOf = (host: string): ImageStore => ImageStore.open({ root: join(c.host(host).dataDir, "images") });

/** What a refused fetch must not change: blobs, unpacked layers, the index, and an empty staging dir. */
function storeContent(host: string): { blobs: string[]; layers: string[]; index: string; tmp: string[] } {
  const root = join(c.host(host).dataDir, "images");
  const ls = (d: string): string[] => (existsSync(join(root, d)) ? readdirSync(join(root, d)).sort() : []);
  return { blobs: ls("blobs/sha256"), layers: ls("layers"), index: readFileSync(join(root, "repositories.json"), "utf8"), tmp: ls("tmp") };
}

/** The swarmd log of a host (whole file). */
const daemonLog = (host: string): string => readFileSync(join(c.host(host).logDir, "swarmd.log"), "utf8");

/** Flips one byte in the middle of a file; returns a function that puts it back. */
function flipByte(path: string): () => void {
  const fd = openSync(path, "r+");
  try {
    const size = readFileSync(path).length;
    const at = Math.floor(size / 2);
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    const original = b[0]!;
    writeSync(fd, Buffer.from([original ^ 0xff]), 0, 1, at);
    return () => {
      const fd2 = openSync(path, "r+");
      try {
        writeSync(fd2, Buffer.from([original]), 0, 1, at);
      } finally {
        closeSync(fd2);
      }
    };
  } finally {
    closeSync(fd);
  }
}

const step = sharedCluster({ hosts: 4, setupTimeoutMs: 120_000 }, async (cluster) => {
  c = cluster;
  images = buildTestImages();
  const h4 = c.host("h4");
  registry = await startRegistryOn(c, "h4", "h1");
  // Every swarmd may pull from the test registry over plain http; nothing else is reachable anyway.
  await Promise.all(["h1", "h2", "h3"].map((h) => c.host(h).swarmd(["--insecure-registry", registry.hostPort])));
  await c.waitFor(async () => (await Promise.all(["h1", "h2", "h3"].map((h) => c.host(h).swarmctl("info")))).every((r) => r.code === 0), (v) => v, { timeoutMs: 20_000, describe: "daemons up" });
  const h1 = c.host("h1");
  await ok("h1", "init", "--advertise-addr", h1.ip, "--dispatcher-heartbeat", "1s");
  const worker = (await ok("h1", "join-token", "-q", "worker")).trim();
  for (const h of ["h2", "h3"]) await ok(h, "join", "--token", worker, `${h1.ip}:2377`);
  await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).filter((l) => / Ready /.test(l)).length === 3, { timeoutMs: 30_000, describe: "3 Ready nodes" });
  expect(h4.ip).not.toBe(h1.ip);
});

describe("images on a netns cluster (1 manager, 2 workers, a registry host)", () => {
  it("runs an image pushed to a docker-registry: the manager pulls and pins it, the workers fetch it from the manager", () =>
    step(async () => {
      const ref = `${registry.hostPort}/demo/web:1`;
      await skopeoPushFrom(c, "h1", images.web1, registry, "demo/web:1");
      for (const h of ["h1", "h2", "h3"]) expect(storeOf(h).list()).toEqual([]);
      // A tag the registry does not have: a clear error, and no service.
      const nope = await c.host("h1").swarmctl("service", "create", "--name", "nope", `${registry.hostPort}/demo/nope:1`);
      expect(nope.code).not.toBe(0);
      expect(nope.stderr).toContain(`image ${registry.hostPort}/demo/nope:1 is not in this manager's image store and pulling it failed: manifest demo/nope:1: not found on registry http://${registry.hostPort}`);
      expect(await ok("h1", "service", "ls", "-q")).toBe("");

      const started = Date.now();
      const created = await ok("h1", "service", "create", "--name", "reg", "--replicas", "3", ref);
      console.log(`service create ${ref} --replicas 3 → converged in ${Date.now() - started} ms (manager pull + worker fetches + starts)`);
      expect(created).toMatch(/verify: Service reg converged/);
      expect(runningPerNode(await ok("h1", "service", "ps", "reg"))).toEqual({ h1: 1, h2: 1, h3: 1 });
      const spec = (JSON.parse(await ok("h1", "service", "inspect", "--raw", "reg")) as { spec: { task: { container: { image: string } } } }[])[0]!.spec;
      expect(spec.task.container.image).toMatch(new RegExp(`^${ref.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`));
      const pinned = spec.task.container.image.slice(spec.task.container.image.indexOf("@") + 1);

      // Who got it from where: the manager from the registry, each worker from the manager.
      expect(daemonLog("h1")).toMatch(/image pulled from its registry to pin it/);
      for (const h of ["h2", "h3"]) {
        expect(daemonLog(h)).toMatch(/image fetched from a manager/);
        expect(daemonLog(h)).not.toMatch(/image pulled from its registry"/);
        expect(storeOf(h).resolve(pinned).record.manifestDigest).toBe(pinned);
      }
      expect(storeOf("h1").resolve(ref).record.manifestDigest).toBe(pinned);

      // The manager no longer has an image it pinned: the workers pull it from the registry themselves.
      // (Tasks wait PENDING on a label no node has yet, so nothing is fetched before the manager's copy
      // is gone; `node update` does not re-pin, unlike `service update`/`scale`.)
      const echo = `${registry.hostPort}/demo/udp-echo:1`;
      await skopeoPushFrom(c, "h1", images.udpEcho, registry, "demo/udp-echo:1");
      await ok("h1", "service", "create", "--name", "echo", "--replicas", "2", "--detach", "--replicas-max-per-node", "1", "--constraint", "node.labels.pull==yes", echo);
      await waitPs("echo", "2 echo tasks pending on the constraint", (out) => psRows(out).filter((r) => r.current.startsWith("pending")).length === 2);
      await ok("h1", "image", "rm", echo);
      expect(() => storeOf("h1").resolve(echo)).toThrow(/no such image/);
      await Promise.all(["h2", "h3"].map((h) => ok("h1", "node", "update", "--label-add", "pull=yes", h)));
      await waitPs("echo", "2 echo tasks running on h2 and h3", (out) => JSON.stringify(runningPerNode(out)) === JSON.stringify({ h2: 1, h3: 1 }));
      for (const h of ["h2", "h3"]) expect(daemonLog(h)).toMatch(/"msg":"image pulled from its registry"/);
      expect(() => storeOf("h1").resolve(echo)).toThrow(/no such image/);
      await ok("h1", "service", "rm", "echo");
    }));

  it("rejects a corrupted blob from the manager with a digest mismatch, keeps nothing of it, and runs it once repaired", () =>
    step(async () => {
      // demo/web:2 on the manager only. The workers share its base layer (from web:1), so exactly its
      // top layer travels — and that is the blob we corrupt in the manager's store.
      await ok("h1", "image", "load", images.web2);
      const web2 = storeOf("h1").resolve("demo/web:2").record;
      const missing = web2.layers.filter((l) => !storeOf("h2").blobs.has(l.digest));
      expect(missing).toHaveLength(1);
      const layer = missing[0]!.digest;
      const restore = flipByte(storeOf("h1").blobs.path(layer));
      const before = storeContent("h2");

      await ok("h1", "service", "create", "--name", "bad", "--detach", "--constraint", "node.hostname==h2", "--restart-delay", "1s", "demo/web:2");
      const ps = await waitPs("bad", "a bad task rejected with a digest mismatch", (out) => psRows(out).some((r) => r.current.startsWith("rejected") && /digest mismatch/.test(r.error)));
      const rejected = psRows(ps).find((r) => r.current.startsWith("rejected"))!;
      console.log(`service ps bad: ${rejected.line.trim()}`);
      expect(rejected.node).toBe("h2");
      expect(rejected.error).toContain(`image demo/web:2@${web2.manifestDigest} could not be fetched: from manager ${c.host("h1").ip}:2377: blob ${layer}: digest mismatch: expected ${layer}, got sha256:`);
      // Nothing ran and nothing of it was kept: no running task, the worker's store as it was (no blob,
      // no layer dir, no index entry, an empty staging dir).
      expect(runningPerNode(ps)).toEqual({});
      expect(storeContent("h2")).toEqual(before);
      expect(before.tmp).toEqual([]);
      expect(storeOf("h2").blobs.has(layer)).toBe(false);
      expect(() => storeOf("h2").resolve(web2.manifestDigest)).toThrow(/no such image/);

      // Repaired on the manager: the restart policy's next task fetches the right bytes and runs.
      restore();
      const fixed = await waitPs("bad", "a bad task running on h2 after the blob was repaired", (out) => runningPerNode(out).h2 === 1, 60_000);
      expect(psRows(fixed).filter((r) => r.current.startsWith("rejected")).length).toBeGreaterThan(0);
      expect(storeOf("h2").resolve(web2.manifestDigest).record.configDigest).toBe(web2.configDigest);
      expect(storeContent("h2").tmp).toEqual([]);
      await ok("h1", "service", "rm", "bad");
    }));
});
