// AES-GCM frames and the keyring's rotation rules.
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { ENCRYPTION_OVERHEAD, Keyring } from "./keyring.js";

describe("keyring", () => {
  it("round-trips with the primary and decrypts with any installed key", () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const sender = new Keyring(k1);
    const receiver = new Keyring(k2, [k1]);
    const frame = sender.encrypt(Buffer.from("hello"));
    expect(frame.length).toBe(5 + ENCRYPTION_OVERHEAD);
    expect(receiver.decrypt(frame)?.toString()).toBe("hello");
    expect(new Keyring(k2).decrypt(frame)).toBeUndefined();
  });

  it("rejects tampered, truncated and foreign-version frames", () => {
    const k = new Keyring(randomBytes(32));
    const frame = k.encrypt(Buffer.from("payload"));
    const flipped = Buffer.from(frame);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    expect(k.decrypt(flipped)).toBeUndefined();
    expect(k.decrypt(frame.subarray(0, 10))).toBeUndefined();
    const version = Buffer.from(frame);
    version[0] = 2;
    expect(k.decrypt(version)).toBeUndefined();
  });

  it("rotates: install → use → remove; refuses to remove the primary or use an unknown key", () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(16);
    const ring = new Keyring(k1);
    expect(() => ring.use(k2)).toThrow(/not installed/);
    ring.install(k2);
    ring.use(k2);
    expect(() => ring.remove(k2)).toThrow(/primary key cannot be removed/);
    ring.remove(k1);
    expect(ring.list()).toEqual([Uint8Array.from(k2)]);
    expect(() => new Keyring(randomBytes(20))).toThrow(/gossip.key: 20 bytes is not an AES key size/);
  });

  it("sync: the managers' first key sends at once, older keys decrypt only for the grace, then never again", () => {
    const old = randomBytes(32);
    const next = randomBytes(32);
    const ring = new Keyring(old);
    const fromOld = new Keyring(old).encrypt(Buffer.from("old"));
    expect(ring.sync([next, old], 1_000, 500)).toBe(true);
    expect(new Keyring(next).decrypt(ring.encrypt(Buffer.from("x")))?.toString()).toBe("x"); // sends with the new key
    expect(ring.sync([next, old], 1_200, 500)).toBe(false); // a repeat does not restart the grace
    expect(ring.expire(1_499)).toBe(0);
    expect(ring.decrypt(fromOld)?.toString()).toBe("old");
    expect(ring.expire(1_500)).toBe(1);
    expect(ring.decrypt(fromOld)).toBeUndefined();
    // The managers still list the old key (it is the "previous" one): it stays refused.
    ring.sync([next, old], 5_000, 500);
    expect(ring.list()).toEqual([Uint8Array.from(next)]);
    expect(ring.decrypt(fromOld)).toBeUndefined();
  });

  it("sync: a node that starts with [new, old] gives the old key one grace from its start", () => {
    const old = randomBytes(32);
    const next = randomBytes(32);
    const ring = new Keyring(next, [old]);
    ring.sync([next, old], 0, 100);
    expect(ring.decrypt(new Keyring(old).encrypt(Buffer.from("a")))?.toString()).toBe("a");
    expect(ring.expire(100)).toBe(1);
    expect(ring.decrypt(new Keyring(old).encrypt(Buffer.from("a")))).toBeUndefined();
  });
});
