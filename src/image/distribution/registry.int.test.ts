import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStore } from "../store.js";
import { listTree } from "../testing/store-listing.js";
import { buildTestImages, type TestImages } from "../testing/test-images.js";
import { pullFromRegistry } from "./registry.js";
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

  it("basic auth (htpasswd): refused without or with wrong credentials, pulls with the right ones", async () => {
    const reg = await registry("basic", { kind: "htpasswd", username: "alice", password: "s3cret" });
    await skopeoPush(images.web1, reg.hostPort, "demo/web:1", "alice:s3cret");
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
    await skopeoPush(images.web1, reg.hostPort, "demo/web:1", "bob:pw");
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
