/**
 * AES-GCM keyring and the encrypted frame format (pure, no sockets).
 *
 * Frame: [version 0x01][nonce: 12 bytes][ciphertext][GCM tag: 16 bytes]; the version byte is also the
 * additional authenticated data. Senders encrypt with the primary key; receivers try every installed
 * key, so a key rotation is install (everywhere) → use (everywhere) → remove the old key, and no two
 * members ever stop understanding each other.
 *
 * In a cluster the managers decide the keys ({@link Keyring.sync} with the list they hand out): the
 * newest becomes the primary at once, and every other key is only accepted for a grace period from
 * when this node first saw it demoted — long enough for every node to hear of the new key, short
 * enough that a removed node's key stops working. An expired key is never installed again.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SwarmError, ValidationError } from "../lib/errors.js";

/** Frame format version. */
export const ENCRYPTION_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes an encrypted frame adds to the plaintext. */
export const ENCRYPTION_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

/** Error codes of the keyring. */
export const KeyringErrorCode = {
  BadKey: "GOSSIP_BAD_KEY",
  PrimaryKeyRemoval: "GOSSIP_PRIMARY_KEY_REMOVAL",
  UnknownKey: "GOSSIP_UNKNOWN_KEY",
} as const;

/** A keyring operation was refused. */
export class KeyringError extends SwarmError {}

/** The installed keys; the first is the primary (used to encrypt). */
export class Keyring {
  private keys: Buffer[];
  /** Key (hex) → time after which it is refused; only non-primary keys have one. */
  private readonly retireAt = new Map<string, number>();
  /** Keys (hex) whose grace ended: never accepted again. */
  private readonly expired = new Set<string>();

  /** A keyring whose primary is `primary` plus any `extra` keys (16, 24 or 32 bytes each). */
  constructor(primary: Uint8Array, extra: readonly Uint8Array[] = []) {
    this.keys = [];
    this.install(primary);
    for (const k of extra) this.install(k);
  }

  /** Adds a key for decryption (idempotent). */
  install(key: Uint8Array): void {
    checkKey(key);
    if (this.indexOf(key) < 0) this.keys.push(Buffer.from(key));
  }

  /** Makes an installed key the primary. */
  use(key: Uint8Array): void {
    const i = this.indexOf(key);
    if (i < 0) throw new KeyringError(KeyringErrorCode.UnknownKey, "keyring.use: key is not installed; install it first");
    const [k] = this.keys.splice(i, 1);
    if (k !== undefined) this.keys.unshift(k);
  }

  /** Removes a non-primary key. */
  remove(key: Uint8Array): void {
    const i = this.indexOf(key);
    if (i === 0) throw new KeyringError(KeyringErrorCode.PrimaryKeyRemoval, "keyring.remove: the primary key cannot be removed; use another key first");
    if (i > 0) this.keys.splice(i, 1);
    this.retireAt.delete(hex(key));
  }

  /**
   * Adopts the managers' key list (primary first): installs new keys, makes the first the primary,
   * and starts a `graceMs` grace for every other installed key (once; a running grace is kept).
   * Returns whether the primary changed.
   */
  sync(listed: readonly Uint8Array[], now: number, graceMs: number): boolean {
    const usable = listed.filter((k) => !this.expired.has(hex(k)));
    const primary = usable[0];
    if (primary === undefined) return false;
    for (const k of usable) this.install(k);
    const changed = this.indexOf(primary) !== 0;
    if (changed) this.use(primary);
    this.retireAt.delete(hex(primary));
    for (const k of this.keys.slice(1)) if (!this.retireAt.has(hex(k))) this.retireAt.set(hex(k), now + graceMs);
    return changed;
  }

  /** Removes the keys whose grace ended by `now`; returns how many. */
  expire(now: number): number {
    let removed = 0;
    for (const [id, at] of this.retireAt) {
      if (at > now) continue;
      this.retireAt.delete(id);
      this.expired.add(id);
      this.keys = this.keys.filter((k) => hex(k) !== id);
      removed++;
    }
    return removed;
  }

  /** Copies of the installed keys, primary first. */
  list(): Uint8Array[] {
    return this.keys.map((k) => Uint8Array.from(k));
  }

  /** Encrypts with the primary key. */
  encrypt(plaintext: Uint8Array): Buffer {
    const key = this.keys[0] as Buffer;
    const nonce = randomBytes(NONCE_BYTES);
    const version = Buffer.from([ENCRYPTION_VERSION]);
    const cipher = createCipheriv(algorithm(key), key, nonce);
    cipher.setAAD(version);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([version, nonce, body, cipher.getAuthTag()]);
  }

  /** Decrypts with any installed key; undefined when no key authenticates the frame. */
  decrypt(frame: Uint8Array): Buffer | undefined {
    if (frame.length < ENCRYPTION_OVERHEAD || frame[0] !== ENCRYPTION_VERSION) return undefined;
    const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    const nonce = buf.subarray(1, 1 + NONCE_BYTES);
    const body = buf.subarray(1 + NONCE_BYTES, buf.length - TAG_BYTES);
    const tag = buf.subarray(buf.length - TAG_BYTES);
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv(algorithm(key), key, nonce);
        decipher.setAAD(buf.subarray(0, 1));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        // wrong key or forged frame: try the next key
      }
    }
    return undefined;
  }

  private indexOf(key: Uint8Array): number {
    return this.keys.findIndex((k) => k.equals(key));
  }
}

function hex(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("hex");
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new ValidationError("gossip.key", `${key.length} bytes is not an AES key size (16, 24 or 32)`);
  }
}

function algorithm(key: Buffer): "aes-128-gcm" | "aes-192-gcm" | "aes-256-gcm" {
  return key.length === 16 ? "aes-128-gcm" : key.length === 24 ? "aes-192-gcm" : "aes-256-gcm";
}
