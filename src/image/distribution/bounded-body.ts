/**
 * Reading registry answers without trusting their size or their pace. A registry (or anything that answers
 * on its port) chooses how many bytes it sends and how slowly: `res.arrayBuffer()` on a manifest that claims
 * 3 GiB allocates 3 GiB in the daemon, and a blob body that stops sending holds a pull (and its lock) forever.
 * Every body here is read with a byte cap that aborts the request past it, and blob bodies with an idle timer.
 */
import { RegistryError, RegistryErrorCode } from "./registry-auth.js";

/** Largest manifest or index we accept (Docker's and containerd's limit). */
export const MAX_MANIFEST_BYTES = 4 << 20;
/** Largest token-endpoint answer (a JWT and a few fields; Docker Hub's are ~2 KiB). */
export const MAX_TOKEN_BODY_BYTES = 64 << 10;
/** Largest error body we read (only its start is quoted in the error). */
export const MAX_ERROR_BODY_BYTES = 64 << 10;

/** `4 MiB`, `64 KiB`, `100 bytes`: limits as people write them. */
export function formatLimit(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} bytes`;
}

/** What to do when a body is longer than the cap. */
export type Overflow = "throw" | "truncate";

/**
 * Reads `res`'s body up to `limit` bytes. A `Content-Length` above the limit is refused before one byte is
 * read; a body that grows past it (chunked, or lying about its length) is cancelled at the first chunk over
 * the limit, which closes the connection. `overflow: "truncate"` returns the first `limit` bytes instead of
 * throwing (for error bodies, which we only quote). `what` names the body in the error
 * ("manifest for demo/web:1").
 */
export async function readBoundedBody(res: Response, limit: number, what: string, overflow: Overflow = "throw"): Promise<Buffer> {
  const declared = res.headers.get("content-length");
  const length = declared === null ? undefined : Number(declared);
  if (length !== undefined && Number.isFinite(length) && length > limit) {
    await res.body?.cancel().catch(() => undefined);
    if (overflow === "truncate") return Buffer.alloc(0);
    throw tooLarge(what, limit, `Content-Length ${declared}`);
  }
  if (res.body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early (throw or return) cancels the stream, and undici destroys the socket: the sender
  // learns at once that we stopped reading.
  for await (const value of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (size + value.length > limit) {
      if (overflow === "truncate") {
        chunks.push(Buffer.from(value.buffer, value.byteOffset, limit - size));
        return Buffer.concat(chunks);
      }
      throw tooLarge(what, limit, `more than ${size + value.length} bytes received${declared === null ? ", no Content-Length" : `, Content-Length ${declared}`}`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.length));
    size += value.length;
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(what: string, limit: number, detail: string): RegistryError {
  return new RegistryError(RegistryErrorCode.Protocol, `${what} is larger than ${formatLimit(limit)} (${detail})`, { fields: { limit } });
}

/**
 * An abort signal that fires when nothing happened for `idleMs`: call `touch()` on every chunk received.
 * The reason is a {@link RegistryError} built by `describe` (called when it fires, so it can say how far
 * the download got). `stop()` clears the timer; call it in a `finally`.
 */
export class IdleTimeout {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleMs: number,
    private readonly describe: (idleMs: number) => string,
  ) {
    this.touch();
  }

  /** The signal to hand to `fetch`: it aborts the request and its body. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the timer fired. */
  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  /** Restarts the idle timer (progress was made). */
  touch(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.controller.abort(new RegistryError(RegistryErrorCode.Unavailable, this.describe(this.idleMs), { fields: { idleMs: this.idleMs } }));
    }, this.idleMs);
  }

  /** Clears the timer. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
