/**
 * Puts task images on this node before the agent sees the tasks: an assigned task whose image is not
 * in the local store is held back while the image is fetched from a manager (digest-verified, see
 * src/image/distribution); then the agent gets it. If the fetch fails the task is passed on anyway, and
 * the agent rejects it with "image … not found on this node" — the error an operator needs.
 */
import type { Task__Output } from "../gen/swarm/api/Task.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { ImageStore } from "../image/store.js";
import { fetchImage, imagesClient } from "../image/distribution/fetch.js";
import type { TlsIdentityProvider } from "../manager/ca/tls.js";
import type { TaskRunner } from "./session.js";

/** Options of {@link ImagePrefetcher}. */
export interface PrefetchOptions {
  readonly next: TaskRunner;
  readonly images: ImageStore;
  readonly tls: TlsIdentityProvider;
  readonly managers: () => string[];
  readonly logger: Logger;
}

/** A TaskRunner in front of the agent that fetches missing images first. */
export class ImagePrefetcher implements TaskRunner {
  private latest: Task__Output[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly failed = new Set<string>();
  private readonly known = new Set<string>();

  constructor(private readonly o: PrefetchOptions) {}

  setAssignments(tasks: Task__Output[]): void {
    this.latest = tasks;
    const ready: Task__Output[] = [];
    for (const t of tasks) {
      const image = t.imageDigest || (t.spec?.container?.image ?? "");
      if (image === "" || this.failed.has(image) || this.present(image)) ready.push(t);
      else this.fetch(image);
    }
    this.o.next.setAssignments(ready);
  }

  /**
   * Whether the image is in the local store. A hit is remembered: the assignment set is handed over on
   * every incremental message (each task status change), and resolving reads the store's index and the
   * image config from disk — 50 tasks made that thousands of reads while converging.
   */
  private present(image: string): boolean {
    if (this.known.has(image)) return true;
    try {
      this.o.images.resolve(image);
      this.known.add(image);
      return true;
    } catch {
      return false;
    }
  }

  private fetch(image: string): void {
    if (this.inFlight.has(image)) return;
    const job = (async () => {
      let lastErr: unknown;
      for (const addr of this.o.managers()) {
        const client = imagesClient(addr, this.o.tls);
        try {
          const started = Date.now();
          const res = await fetchImage({ client, ref: image, store: this.o.images, logger: this.o.logger });
          this.o.logger.info({ image, from: addr, blobs: res.downloaded.length, bytes: res.bytesReceived, ms: Date.now() - started }, "image fetched from a manager");
          return;
        } catch (err) {
          lastErr = err;
        } finally {
          client.close();
        }
      }
      this.failed.add(image);
      this.o.logger.warn({ image, err: errorMessage(lastErr) }, "could not fetch the image from any manager");
    })().finally(() => {
      this.inFlight.delete(image);
      this.setAssignments(this.latest);
    });
    this.inFlight.set(image, job);
  }
}
