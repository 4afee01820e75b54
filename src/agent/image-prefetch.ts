/**
 * Puts task images on this node before the agent sees the tasks: an assigned task whose image is not
 * in the local store is held back while the image is fetched — from a manager (digest-verified, see
 * src/image/distribution), or, when no manager can give it and the reference names a registry, from that
 * registry. Then the agent gets the task. If every source fails, the task is reported REJECTED with what
 * each source said ("blob sha256:…: digest mismatch: expected …, got …") and never reaches the agent;
 * a new task with the same image (the restart policy's replacement) tries again.
 */
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskStatus } from "../gen/swarm/api/TaskStatus.js";
import { applyEvent, initialStatus } from "./task-machine.js";
import { taskStateOrder } from "../spec/task-state.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { ImageError, ImageErrorCode } from "../image/errors.js";
import { registryOf } from "../image/reference.js";
import type { ImageStore } from "../image/store.js";
import { fetchImage, imagesClient } from "../image/distribution/fetch.js";
import { pullReference, type RegistryAccess } from "../image/distribution/registries.js";
import { RemoteCallError } from "../rpc/grpc.js";
import type { TlsIdentityProvider } from "../ca/tls.js";
import type { TaskRunner } from "./session.js";

/** Options of {@link ImagePrefetcher}. */
export interface PrefetchOptions {
  readonly next: TaskRunner;
  readonly images: ImageStore;
  readonly tls: TlsIdentityProvider;
  readonly managers: () => string[];
  /** This node (the `appliedBy` of the statuses it reports). */
  readonly nodeId: string;
  /** How this node reaches registries (the fallback source). */
  readonly registries: RegistryAccess;
  /** Reports a task status to the managers (a REJECTED task whose image could not be fetched). */
  readonly reportStatus: (taskId: string, status: TaskStatus) => void;
  readonly logger: Logger;
}

/** A TaskRunner in front of the agent that fetches missing images first. */
export class ImagePrefetcher implements TaskRunner {
  private latest: Task__Output[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Tasks this prefetcher reported REJECTED: kept from the agent until the managers forget them. */
  private readonly rejected = new Set<string>();
  /** Tasks that were waiting when their image's fetch started: a failure rejects exactly these. */
  private readonly waiting = new Map<string, Set<string>>();
  private readonly known = new Set<string>();

  constructor(private readonly o: PrefetchOptions) {}

  setAssignments(tasks: Task__Output[]): void {
    this.latest = tasks;
    const ready: Task__Output[] = [];
    const ids = new Set<string>();
    for (const t of tasks) {
      ids.add(t.id);
      const image = t.imageDigest || (t.spec?.container?.image ?? "");
      if (this.rejected.has(t.id)) continue;
      // A task already past RUNNING or no longer wanted needs no image: the agent reports or ignores it.
      if (image === "" || this.settled(t) || this.present(image)) {
        ready.push(t);
        continue;
      }
      this.fetch(image, t.id);
    }
    for (const id of this.rejected) if (!ids.has(id)) this.rejected.delete(id);
    this.o.next.setAssignments(ready);
  }

  private settled(t: Task__Output): boolean {
    const observed = t.status?.state ?? "NEW";
    return taskStateOrder(observed) > taskStateOrder("RUNNING") || taskStateOrder(t.desiredState) > taskStateOrder("RUNNING");
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

  private fetch(image: string, taskId: string): void {
    let waiting = this.waiting.get(image);
    if (waiting === undefined) this.waiting.set(image, (waiting = new Set()));
    waiting.add(taskId);
    if (this.inFlight.has(image)) return;
    const job = this.fetchFromAnywhere(image)
      .then(
        () => undefined,
        (err: unknown) => {
          const message = `image ${image} could not be fetched: ${errorMessage(err)}`;
          this.o.logger.warn({ image, err: errorMessage(err) }, "could not fetch the image: rejecting its tasks");
          this.reject(this.waiting.get(image) ?? new Set(), message);
        },
      )
      .finally(() => {
        this.waiting.delete(image);
        this.inFlight.delete(image);
        this.setAssignments(this.latest);
      });
    this.inFlight.set(image, job);
  }

  /** Managers first (in the session's order), then the registry the reference names; throws what each said. */
  private async fetchFromAnywhere(image: string): Promise<void> {
    const problems: string[] = [];
    for (const addr of this.o.managers()) {
      const client = imagesClient(addr, this.o.tls);
      try {
        const started = Date.now();
        const res = await fetchImage({ client, ref: image, store: this.o.images, logger: this.o.logger });
        this.o.logger.info({ image, from: addr, blobs: res.downloaded.length, bytes: res.bytesReceived, ms: Date.now() - started }, "image fetched from a manager");
        return;
      } catch (err) {
        const notThere = (err instanceof ImageError || err instanceof RemoteCallError) && err.code === ImageErrorCode.NotFound;
        problems.push(`from manager ${addr}: ${notThere ? "not in its image store" : errorMessage(err)}`);
      } finally {
        client.close();
      }
    }
    if (registryOf(image) !== undefined) {
      try {
        const started = Date.now();
        const res = await pullReference({ ref: image, store: this.o.images, access: this.o.registries, logger: this.o.logger });
        this.o.logger.info({ image, blobs: res.downloaded.length, ms: Date.now() - started }, "image pulled from its registry");
        return;
      } catch (err) {
        problems.push(`from its registry: ${errorMessage(err)}`);
      }
    }
    throw new ImageError(ImageErrorCode.NotFound, problems.length === 0 ? "no manager known yet" : problems.join("; "));
  }

  /** Reports the waiting tasks REJECTED (once each) and keeps them from the agent. */
  private reject(taskIds: ReadonlySet<string>, message: string): void {
    for (const t of this.latest) {
      if (!taskIds.has(t.id) || this.rejected.has(t.id) || this.settled(t)) continue;
      const current = t.status ?? initialStatus("ASSIGNED", Date.now());
      const status = applyEvent(current, { type: "rejected", err: message }, { now: Date.now(), nodeId: this.o.nodeId });
      if (status === null) continue;
      this.rejected.add(t.id);
      this.o.reportStatus(t.id, { ...status, message: "fetching the image failed" });
    }
  }
}
