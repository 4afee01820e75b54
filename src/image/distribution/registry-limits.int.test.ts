import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStore } from "../store.js";
import { pullFromRegistry } from "./registry.js";
import { type HostileRegistry, type HostileRequest, startCollector, startHostileRegistry } from "./testing/hostile-registry.js";

// A registry that attacks its client over a real loopback socket: oversized and endless bodies, a stalled blob.
// Each case asserts the error the operator reads AND, on the server side, that the client hung up early.
let work = "";
let hostile: HostileRegistry;
let store: ImageStore;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "swarm-registry-limits-"));
  hostile = await startHostileRegistry();
  store = ImageStore.open({ root: join(work, "store") });
});

afterAll(async () => {
  await hostile.close();
  rmSync(work, { recursive: true, force: true });
});

/** The request for `path`, once the server saw the client hang up (polled with a deadline). */
async function hungUp(path: string, deadlineMs = 5_000): Promise<HostileRequest> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const r = hostile.requests.find((q) => q.path === path);
    if (r?.clientClosed === true) return r;
    if (Date.now() > end) throw new Error(`the client never hung up on ${path}: ${JSON.stringify(r ?? "no request")}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe("registry client bounds what a registry can make it read", () => {
  it("a manifest claiming 3 GiB is refused from its Content-Length and the connection is closed", async () => {
    const t0 = Date.now();
    await expect(pullFromRegistry({ url: hostile.url, ref: "huge:1", store })).rejects.toThrow(/^manifest for huge:1 is larger than 4 MiB \(Content-Length 3221225472\)$/);
    const req = await hungUp("/v2/huge/manifests/1");
    expect(Date.now() - t0).toBeLessThan(5_000);
    // The server pushed at most what the socket buffers took before the client closed; far from 3 GiB.
    expect(req.bytesSent).toBeLessThan(64 << 20);
  });

  it("a manifest without Content-Length that never ends is cut at 4 MiB", async () => {
    await expect(pullFromRegistry({ url: hostile.url, ref: "endless:1", store })).rejects.toThrow(
      /^manifest for endless:1 is larger than 4 MiB \(more than \d+ bytes received, no Content-Length\)$/,
    );
    const req = await hungUp("/v2/endless/manifests/1");
    expect(req.bytesSent).toBeLessThan(64 << 20);
  });

  it("an endless error body is read only up to 64 KiB and quoted briefly", async () => {
    const err = await pullFromRegistry({ url: hostile.url, ref: "errbody:1", store }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^manifest errbody:1: registry http:\/\/127\.0\.0\.1:\d+ answered HTTP 500:  {200}$/);
    const req = await hungUp("/v2/errbody/manifests/1");
    expect(req.bytesSent).toBeLessThan(64 << 20);
  });

  it("an endless token answer is refused at 64 KiB", async () => {
    await expect(pullFromRegistry({ url: hostile.url, ref: "hugetoken:1", store })).rejects.toThrow(
      /^token answer from http:\/\/127\.0\.0\.1:\d+\/token-huge is larger than 64 KiB \(more than \d+ bytes received, no Content-Length\)$/,
    );
    await hungUp("/token-huge");
  });

  it("a blob that stops sending is aborted after the idle timeout, naming the registry and the digest", async () => {
    const t0 = Date.now();
    const err = await pullFromRegistry({ url: hostile.url, ref: "stall:1", store, blobIdleMs: 500 }).catch((e: unknown) => e as Error);
    const took = Date.now() - t0;
    expect((err as Error).message).toBe(
      `blob ${hostile.stallDigest} from registry ${hostile.url}: no bytes for 0.5 s (received 1000 of 1048576 bytes); download aborted`,
    );
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(5_000);
    await hungUp(`/v2/stall/blobs/${hostile.stallDigest}`);
    // Nothing half-written is left in the store.
    expect(readdirSync(join(store.root, "tmp"))).toEqual([]);
    expect(store.list()).toEqual([]);
  });
});

describe("registry client keeps basic credentials for the registry's own host", () => {
  const password = "s3cret-pw-7f1e";

  it("refuses to send them to an http realm on another host:port; the password reaches neither it nor the error", async () => {
    // 127.0.0.2 is loopback too (the whole 127/8 is), but another host as far as URLs go.
    const collector = await startCollector("127.0.0.2");
    const evil = await startHostileRegistry({ realm: collector.url });
    try {
      const err = await pullFromRegistry({ url: evil.url, ref: "realm:1", store, auth: { username: "alice", password } }).catch((e: unknown) => e as Error);
      expect((err as Error).message).toBe(
        `manifest realm:1: registry ${evil.url} asks for a token from ${collector.url}; not sending the credentials of alice there: the realm is on host 127.0.0.2, not on the registry's host 127.0.0.1`,
      );
      expect(collector.seen).toEqual([]);
      expect(JSON.stringify({ message: (err as Error).message, stack: (err as Error).stack, fields: (err as { fields?: unknown }).fields })).not.toContain(password);
      // Anonymous, the same pull does ask that realm for a token — without any Authorization header.
      await pullFromRegistry({ url: evil.url, ref: "realm:1", store }).catch(() => undefined);
      expect(collector.seen).toEqual([undefined]);
      expect(evil.requests.every((r) => r.authorization === undefined || !Buffer.from(r.authorization.replace(/^\w+ /, ""), "base64").toString().includes(password))).toBe(true);
    } finally {
      await evil.close();
      await collector.close();
    }
  });
});
