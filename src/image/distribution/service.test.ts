import { credentials, type Server as GrpcServer, Server, ServerCredentials } from "@grpc/grpc-js";
import { mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeKeyAndCsr, createRootCA, type RootCA, signNodeCertificate } from "../../ca/certs.js";
import { serverCredentials, TlsIdentityProvider } from "../../ca/tls.js";
import { ImageStore } from "../store.js";
import { listTree } from "../testing/store-listing.js";
import { buildTestImages, type TestImages } from "../testing/test-images.js";
import { fetchImage, imagesClient, imagesClientWith, listRemoteImages, pushImage } from "./fetch.js";
import { addImageService, allowAllImagePolicy, tlsImagePolicy } from "./service.js";
import { cuttingProxy } from "./testing/cut-proxy.js";

// A manager's image store served over mTLS on loopback; workers fetch into their own stores.
let images: TestImages;
let ca: RootCA;
let work = "";
let managerStore: ImageStore;
let server: GrpcServer;
let localServer: GrpcServer;
let addr = "";
let localAddr = "";
let manager: TlsIdentityProvider;
let worker: TlsIdentityProvider;

async function identity(role: "manager" | "worker", nodeId: string): Promise<TlsIdentityProvider> {
  const k = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role, clusterId: "c1" });
  return new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem });
}

function bind(s: GrpcServer, creds: ServerCredentials): Promise<number> {
  return new Promise<number>((resolve, reject) => s.bindAsync("127.0.0.1:0", creds, (err, p) => (err ? reject(err) : resolve(p))));
}

function workerStore(name: string): ImageStore {
  return ImageStore.open({ root: join(work, name) });
}

beforeAll(async () => {
  images = buildTestImages();
  work = mkdtempSync(join(tmpdir(), "swarm-image-dist-"));
  ca = await createRootCA();
  manager = await identity("manager", "mgr1");
  worker = await identity("worker", "wrk1");
  managerStore = ImageStore.open({ root: join(work, "manager") });
  server = new Server();
  addImageService(server, managerStore, tlsImagePolicy("c1"));
  addr = `127.0.0.1:${await bind(server, serverCredentials(manager))}`;
  // The manager's local socket stands in as a plaintext loopback listener with the allow-all policy.
  localServer = new Server();
  addImageService(localServer, managerStore, allowAllImagePolicy);
  localAddr = `127.0.0.1:${await bind(localServer, ServerCredentials.createInsecure())}`;
}, 60_000);

afterAll(() => {
  server.forceShutdown();
  localServer.forceShutdown();
  rmSync(work, { recursive: true, force: true });
});

describe("image service over mTLS", () => {
  it("a manager pushes an archive; the store loads it; any node lists it", async () => {
    const client = imagesClient(addr, manager);
    try {
      const res = await pushImage(client, images.web1);
      expect(res.images).toEqual([expect.objectContaining({ names: ["demo/web:1"] })]);
      expect(managerStore.resolve("demo/web:1").record.configDigest).toBe(res.images[0]?.configDigest);
    } finally {
      client.close();
    }
    const wc = imagesClient(addr, worker);
    try {
      const list = await listRemoteImages(wc);
      expect(list.images.map((i) => i.tags)).toEqual([["demo/web:1"]]);
      expect(list.images[0]?.size).toBeGreaterThan(100_000);
    } finally {
      wc.close();
    }
  });

  it("the local socket may push; a worker may not; a garbage archive loads nothing", async () => {
    const local = imagesClientWith(localAddr, credentials.createInsecure());
    const wc = imagesClient(addr, worker);
    try {
      await expect(pushImage(local, images.web2)).resolves.toMatchObject({ images: [{ names: ["demo/web:2"] }] });
      await expect(pushImage(wc, images.broken)).rejects.toThrow(/node wrk1 has role worker; this call needs manager/);
      const before = listTree(managerStore.root);
      const { Readable } = await import("node:stream");
      await expect(pushImage(local, Readable.from([Buffer.alloc(4096, 7)]))).rejects.toThrow(/tar|archive/i);
      expect(listTree(managerStore.root)).toEqual(before);
    } finally {
      local.close();
      wc.close();
    }
  });

  it("refuses a caller without a cluster certificate", async () => {
    const other = await createRootCA();
    const k = await createNodeKeyAndCsr();
    const certPem = await signNodeCertificate(other, k.csrPem, { nodeId: "evil", role: "manager", clusterId: "c1" });
    const c = imagesClient(addr, new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem }));
    try {
      await expect(listRemoteImages(c)).rejects.toThrow(/needs a node certificate issued by the cluster CA/);
    } finally {
      c.close();
    }
  });

  it("a worker fetches an image; a second image downloads only its own layer", async () => {
    const store = workerStore("w-fetch");
    const c = imagesClient(addr, worker);
    try {
      const r1 = await fetchImage({ client: c, ref: "demo/web:1", store });
      const want = managerStore.resolve("demo/web:1").record;
      expect(r1.image).toMatchObject({ names: ["demo/web:1"], configDigest: want.configDigest, manifestDigest: want.manifestDigest });
      expect(r1.downloaded).toHaveLength(3); // config + 2 layers
      const got = store.resolve("demo/web:1");
      expect(got.record.layers.map((l) => l.diffId)).toEqual(want.layers.map((l) => l.diffId));
      expect(statSync(join(store.layerDir(got.record.layers[0]!.diffId), "bin/busybox")).isFile()).toBe(true);
      const r2 = await fetchImage({ client: c, ref: "demo/web:2", store });
      expect(r2.downloaded).toHaveLength(2); // config + top layer; the busybox base is shared
      expect(r2.downloaded).not.toContain(want.layers[0]!.digest);
      expect(readdirSync(join(store.root, "tmp"))).toEqual([]);
      // Again, by manifest digest: everything is present, nothing is downloaded, the tag stays.
      const again = await fetchImage({ client: c, ref: want.manifestDigest, store });
      expect(again).toMatchObject({ downloaded: [], bytesReceived: 0, image: { names: [], configDigest: want.configDigest } });
      expect(store.resolve("demo/web:1").record.configDigest).toBe(want.configDigest);
      await expect(fetchImage({ client: c, ref: "demo/nope:1", store })).rejects.toThrow(/no such image: demo\/nope:1/);
    } finally {
      c.close();
    }
  });

  it("GetBlob refuses an unknown digest and an offset past the end, naming them", async () => {
    const c = imagesClient(addr, worker);
    const read = async (digest: string, offset: number): Promise<number> => {
      let n = 0;
      for await (const chunk of c.GetBlob({ digest, offset }) as AsyncIterable<{ data: Buffer }>) n += chunk.data.length;
      return n;
    };
    try {
      const missing = `sha256:${"ab".repeat(32)}`;
      await expect(read(missing, 0)).rejects.toThrow(new RegExp(`blob ${missing} is not in the manager's store`));
      const cfg = managerStore.resolve("demo/web:1").record.configDigest;
      const size = managerStore.blobs.read(cfg).length;
      await expect(read(cfg, 10)).resolves.toBe(size - 10);
      await expect(read(cfg, size + 1)).rejects.toThrow(new RegExp(`GetBlob offset ${size + 1} is outside blob ${cfg} of ${size} bytes`));
    } finally {
      c.close();
    }
  });

  it("refuses a blob corrupted on the manager and leaves the worker store unchanged", async () => {
    const store = workerStore("w-corrupt");
    const c = imagesClient(addr, worker);
    const local = imagesClientWith(localAddr, credentials.createInsecure());
    try {
      await pushImage(local, images.unhealthy);
      const rec = managerStore.resolve("demo/unhealthy:1").record;
      const top = rec.layers[rec.layers.length - 1]!;
      const before = listTree(store.root);
      const fd = openSync(managerStore.blobs.path(top.digest), "r+");
      try {
        writeSync(fd, Buffer.from("CORRUPT"), 0, 7, Math.floor(top.size / 2));
      } finally {
        closeSync(fd);
      }
      await expect(fetchImage({ client: c, ref: "demo/unhealthy:1", store })).rejects.toThrow(
        new RegExp(`blob ${top.digest}: digest mismatch: expected ${top.digest}, got sha256:`),
      );
      expect(listTree(store.root)).toEqual(before);
    } finally {
      c.close();
      local.close();
    }
  });

  it("resumes a blob download after the connection is cut mid-stream", async () => {
    const store = workerStore("w-resume");
    const proxy = await cuttingProxy(Number(addr.split(":")[1]), 400_000);
    const c = imagesClient(`127.0.0.1:${proxy.port}`, worker);
    try {
      const r = await fetchImage({ client: c, ref: "demo/web:1", store });
      expect(proxy.cuts).toBe(1);
      expect(r.resumed).toHaveLength(1);
      const base = managerStore.resolve("demo/web:1").record.layers[0]!;
      expect(r.resumed[0]?.digest).toBe(base.digest);
      expect(r.resumed[0]?.offset).toBeGreaterThan(0);
      // Resumed, not restarted: the blob bytes received add up to the blob sizes exactly.
      const total = [managerStore.resolve("demo/web:1").record].flatMap((x) => x.layers).reduce((n, l) => n + l.size, 0);
      const configSize = managerStore.blobs.read(managerStore.resolve("demo/web:1").record.configDigest).length;
      expect(r.bytesReceived).toBe(total + configSize);
      expect(store.resolve("demo/web:1").record.configDigest).toBe(r.image.configDigest);
    } finally {
      c.close();
      await proxy.close();
    }
  });
});
