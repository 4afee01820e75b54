import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStore } from "../store.js";
import { listTree } from "../testing/store-listing.js";
import { buildTestImages, type TestImages } from "../testing/test-images.js";
import { pullFromRegistry } from "./registry.js";
import { cuttingProxy } from "./testing/cut-proxy.js";
import { skopeoPush, startRegistry, type TestRegistry } from "./testing/registry-server.js";
import { startTokenServer, type TokenServer } from "./testing/token-server.js";

// Pulls from Debian's docker-registry (distribution 2.8) on loopback, fed by skopeo from the test archives.
let images: TestImages;
let work = "";
let web1Id = "";
let web2Id = "";
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  images = buildTestImages();
  work = mkdtempSync(join(tmpdir(), "swarm-registry-"));
  const ref = ImageStore.open({ root: join(work, "reference") });
  web1Id = (await ref.load(images.web1))[0]!.configDigest;
  web2Id = (await ref.load(images.web2))[0]!.configDigest;
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(work, { recursive: true, force: true });
});

async function registry(name: string, auth?: Parameters<typeof startRegistry>[1]): Promise<TestRegistry> {
  const r = await startRegistry(join(work, name), auth);
  cleanups.push(() => r.stop());
  return r;
}

describe("pull from a registry", () => {
  it("anonymous: the pulled image has the id of the one loaded from the tar; a second pull reuses the base layer", async () => {
    const reg = await registry("anon");
    await skopeoPush(images.web1, reg.hostPort, "demo/web:1");
    await skopeoPush(images.web2, reg.hostPort, "demo/web:2");
    const store = ImageStore.open({ root: join(work, "anon-store") });
    const r1 = await pullFromRegistry({ url: reg.url, ref: "demo/web:1", store });
    expect(r1.image.configDigest).toBe(web1Id);
    expect(r1.image.names).toEqual(["demo/web:1"]);
    expect(store.resolve("demo/web:1").config.config.exposedPorts).toEqual(["80/tcp"]);
    const r2 = await pullFromRegistry({ url: reg.url, ref: "demo/web:2", store });
    expect(r2.image.configDigest).toBe(web2Id);
    expect(r2.downloaded).toHaveLength(2);
    // By digest: the manifest is verified against the reference.
    const byDigest = await pullFromRegistry({ url: reg.url, ref: `demo/web@${r1.image.manifestDigest}`, store });
    expect(byDigest.image.configDigest).toBe(web1Id);
    expect(readdirSync(join(store.root, "tmp"))).toEqual([]);
    const before = listTree(store.root);
    await expect(pullFromRegistry({ url: reg.url, ref: "demo/missing:1", store })).rejects.toThrow(/manifest demo\/missing:1: not found on registry/);
    expect(listTree(store.root)).toEqual(before);
  }, 60_000);

  it("Docker v2 schema 2 manifests, and an OCI index resolved to this platform's manifest", async () => {
    const reg = await registry("formats");
    await skopeoPush(images.web1, reg.hostPort, "demo/web:docker", { format: "v2s2" });
    const store = ImageStore.open({ root: join(work, "formats-store") });
    const docker = await pullFromRegistry({ url: reg.url, ref: "demo/web:docker", store });
    expect(docker.image.configDigest).toBe(web1Id);
    const manifest = store.blobs.read(docker.image.manifestDigest).toString();
    expect(JSON.parse(manifest)).toMatchObject({ mediaType: "application/vnd.docker.distribution.manifest.v2+json" });
    // An index with a linux/arm64 entry (web2) and a linux/amd64 entry (web1), put through the registry API.
    await skopeoPush(images.web1, reg.hostPort, "demo/multi:amd64");
    await skopeoPush(images.web2, reg.hostPort, "demo/multi:arm64");
    const desc = async (tag: string): Promise<{ digest: string; size: number }> => {
      const res = await fetch(`${reg.url}/v2/demo/multi/manifests/${tag}`, { headers: { Accept: "application/vnd.oci.image.manifest.v1+json" } });
      const bytes = Buffer.from(await res.arrayBuffer());
      return { digest: res.headers.get("docker-content-digest") ?? "", size: bytes.length };
    };
    const amd = await desc("amd64");
    const arm = await desc("arm64");
    const m = (d: { digest: string; size: number }, architecture: string): object => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", ...d, platform: { os: "linux", architecture } });
    const index = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [m(arm, "arm64"), m(amd, "amd64")] });
    const put = await fetch(`${reg.url}/v2/demo/multi/manifests/1`, { method: "PUT", headers: { "Content-Type": "application/vnd.oci.image.index.v1+json" }, body: index });
    expect(put.status).toBe(201);
    const multi = await pullFromRegistry({ url: reg.url, ref: "demo/multi:1", store, platform: { os: "linux", architecture: "amd64" } });
    expect(multi.image).toMatchObject({ configDigest: web1Id, manifestDigest: amd.digest, names: ["demo/multi:1"] });
    const arm64 = await pullFromRegistry({ url: reg.url, ref: "demo/multi:1", store, platform: { os: "linux", architecture: "arm64" } });
    expect(arm64.image.configDigest).toBe(web2Id);
    await expect(pullFromRegistry({ url: reg.url, ref: "demo/multi:1", store, platform: { os: "linux", architecture: "s390x" } })).rejects.toThrow(
      /has no manifest for linux\/s390x \(has linux\/arm64, linux\/amd64\)/,
    );
  }, 60_000);

  it("a blob corrupted in the registry's storage is refused and nothing is committed", async () => {
    const reg = await registry("corrupt");
    await skopeoPush(images.unhealthy, reg.hostPort, "demo/unhealthy:1");
    const ref = ImageStore.open({ root: join(work, "reference") });
    const rec = (await ref.load(images.unhealthy))[0]!;
    const top = ref.resolve(rec.configDigest).record.layers.at(-1)!;
    const hex = top.digest.slice(7);
    const data = join(work, "corrupt", "storage", "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex, "data");
    const fd = openSync(data, "r+");
    try {
      writeSync(fd, Buffer.from("CORRUPT"), 0, 7, Math.floor(top.size / 2));
    } finally {
      closeSync(fd);
    }
    const store = ImageStore.open({ root: join(work, "corrupt-store") });
    const before = listTree(store.root);
    await expect(pullFromRegistry({ url: reg.url, ref: "demo/unhealthy:1", store })).rejects.toThrow(new RegExp(`blob ${top.digest}: digest mismatch: expected ${top.digest}, got sha256:`));
    expect(listTree(store.root)).toEqual(before);
  }, 60_000);

  it("resumes a blob body cut mid-way with a Range request", async () => {
    const reg = await registry("resume");
    await skopeoPush(images.web1, reg.hostPort, "demo/web:1");
    const proxy = await cuttingProxy(Number(reg.hostPort.split(":")[1]), 300_000);
    cleanups.push(() => proxy.close());
    const store = ImageStore.open({ root: join(work, "resume-store") });
    const r = await pullFromRegistry({ url: `http://127.0.0.1:${proxy.port}`, ref: "demo/web:1", store });
    expect(proxy.cuts).toBe(1);
    expect(r.resumed).toHaveLength(1);
    expect(r.resumed[0]?.offset).toBeGreaterThan(0);
    expect(r.image.configDigest).toBe(web1Id);
  }, 60_000);

  it("basic auth (htpasswd): refused without or with wrong credentials, pulls with the right ones", async () => {
    const reg = await registry("basic", { kind: "htpasswd", username: "alice", password: "s3cret" });
    await skopeoPush(images.web1, reg.hostPort, "demo/web:1", { creds: "alice:s3cret" });
    const store = ImageStore.open({ root: join(work, "basic-store") });
    await expect(pullFromRegistry({ url: reg.url, ref: "demo/web:1", store })).rejects.toThrow(/needs a username and password/);
    await expect(pullFromRegistry({ url: reg.url, ref: "demo/web:1", store, auth: { username: "alice", password: "nope" } })).rejects.toThrow(
      /refused access as alice \(HTTP 401\)/,
    );
    const r = await pullFromRegistry({ url: reg.url, ref: "demo/web:1", store, auth: { username: "alice", password: "s3cret" } });
    expect(r.image.configDigest).toBe(web1Id);
  }, 60_000);

  it("bearer token: follows the WWW-Authenticate challenge to the token service, or uses a given token", async () => {
    const tokens: TokenServer = await startTokenServer(mkdtempSync(join(work, "tok-")), { username: "bob", password: "pw" });
    cleanups.push(() => tokens.close());
    const reg = await registry("bearer", { kind: "token", realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertPem: tokens.rootCertPem });
    await skopeoPush(images.web1, reg.hostPort, "demo/web:1", { creds: "bob:pw" });
    const store = ImageStore.open({ root: join(work, "bearer-store") });
    await expect(pullFromRegistry({ url: reg.url, ref: "demo/web:1", store, auth: { username: "bob", password: "bad" } })).rejects.toThrow(/token endpoint .* refused \(HTTP 401\)/);
    const r = await pullFromRegistry({ url: reg.url, ref: "demo/web:1", store, auth: { username: "bob", password: "pw" } });
    expect(r.image.configDigest).toBe(web1Id);
    expect(tokens.requests.at(-1)).toEqual({ scope: "repository:demo/web:pull", service: tokens.service, user: "bob" });
    // A token obtained elsewhere is sent as is.
    const res = await fetch(`${tokens.realm}?service=${tokens.service}&scope=repository:demo/web:pull`, { headers: { Authorization: `Basic ${Buffer.from("bob:pw").toString("base64")}` } });
    const { token } = (await res.json()) as { token: string };
    const other = ImageStore.open({ root: join(work, "bearer-store-2") });
    const asked = tokens.requests.length;
    await expect(pullFromRegistry({ url: reg.url, ref: "demo/web:1", store: other, auth: { token } })).resolves.toMatchObject({ image: { configDigest: web1Id } });
    expect(tokens.requests.length).toBe(asked);
  }, 60_000);
});
