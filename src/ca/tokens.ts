/**
 * Join tokens: `SWMTKN-1-<CA digest>-<secret>`, as Docker Swarm prints them.
 *
 * The CA digest is the SHA-256 of the root CA certificate's DER bytes, written in base 36 and padded to
 * 50 characters; the joiner uses it to pin the CA before it trusts anything the manager says. The
 * secret is 128 random bits in base 36, padded to 25 characters; it proves the joiner was given a token
 * (one secret for workers, another for managers). Pure functions; randomness is passed in.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { SwarmError, ErrorCode } from "../lib/errors.js";

/** Prefix and version of every token this project issues. */
export const TOKEN_PREFIX = "SWMTKN";
/** Token format version. */
export const TOKEN_VERSION = "1";
const DIGEST_CHARS = 50;
const SECRET_CHARS = 25;

/** A join token could not be parsed or does not match. */
export class JoinTokenError extends SwarmError {
  constructor(message: string) {
    super(ErrorCode.InvalidArgument, message);
  }
}

/** A join token split into its parts. */
export interface JoinToken {
  readonly version: string;
  /** Base-36 SHA-256 digest of the root CA certificate (DER). */
  readonly caDigest: string;
  /** Base-36 random secret. */
  readonly secret: string;
}

/** Encodes bytes as a big-endian base-36 number, left-padded with zeros to `width` characters. */
export function base36(bytes: Uint8Array, width: number): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n.toString(36).padStart(width, "0");
}

/** The CA digest used in tokens: base-36 SHA-256 of the certificate's DER bytes. */
export function caDigest(certDer: Uint8Array): string {
  return base36(createHash("sha256").update(certDer).digest(), DIGEST_CHARS);
}

/** Makes a token for a CA digest from 16 random bytes (the caller supplies them: `randomBytes(16)`). */
export function formatJoinToken(digest: string, secretBytes: Uint8Array): string {
  if (secretBytes.length !== 16) throw new JoinTokenError(`join token secret: need 16 random bytes, got ${secretBytes.length}`);
  return `${TOKEN_PREFIX}-${TOKEN_VERSION}-${digest}-${base36(secretBytes, SECRET_CHARS)}`;
}

/** Parses a token, with an error that says what is wrong with it (never echoing the secret). */
export function parseJoinToken(token: string): JoinToken {
  const parts = token.trim().split("-");
  if (parts.length !== 4 || parts[0] !== TOKEN_PREFIX) {
    throw new JoinTokenError(`invalid join token: expected ${TOKEN_PREFIX}-${TOKEN_VERSION}-<ca digest>-<secret>`);
  }
  const [, version, digest, secret] = parts as [string, string, string, string];
  if (version !== TOKEN_VERSION) throw new JoinTokenError(`invalid join token: unsupported version "${version}"`);
  if (!/^[0-9a-z]+$/.test(digest) || digest.length !== DIGEST_CHARS) {
    throw new JoinTokenError(`invalid join token: the CA digest must be ${DIGEST_CHARS} base-36 characters`);
  }
  if (!/^[0-9a-z]+$/.test(secret) || secret.length !== SECRET_CHARS) {
    throw new JoinTokenError(`invalid join token: the secret must be ${SECRET_CHARS} base-36 characters`);
  }
  return { version, caDigest: digest, secret };
}

/** Compares two token secrets in constant time. */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
