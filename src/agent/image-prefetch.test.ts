// The prefetcher in front of the agent, with a real image store and no manager to ask: a task whose
// image is here goes straight on; one whose image cannot be fetched is reported REJECTED with what each
// source said, once, and never reaches the agent; a new task with that image tries again; a task no
// longer wanted needs no image. The manager path is covered by cluster-test/images.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import type { TaskStatus } from "../gen/swarm/api/TaskStatus.js";
import { initialStatus } from "./task-machine.js";
import { ImageStore } from "../image/store.js";
import { buildOciArchive } from "../image/testing/archives.js";
import { encodeTar } from "../image/tar/writer.js";
import { silentLogger } from "../lib/logger.js";
import type { TlsIdentityProvider } from "../ca/tls.js";
import { freePort } from "../image/distribution/testing/registry-server.js";
import { ImagePrefetcher } from "./image-prefetch.js";

let work = "";
let store: ImageStore;
let handed: string[][];
let reports: { id: string; status: TaskStatus }[];

function task(id: string, image: string, desiredState: TaskState__Output = "RUNNING"): Task__Output {
  return { id, desiredState, imageDigest: "", status: initialStatus("ASSIGNED", 0), spec: { container: { image } } } as unknown as Task__Output;
}

function prefetcher(insecure: string[] = []): ImagePrefetcher {
  return new ImagePrefetcher({
    next: { setAssignments: (tasks) => handed.push(tasks.map((t) => t.id)) },
    images: store,
    // Never used: there is no manager to dial.
    tls: undefined as unknown as TlsIdentityProvider,
    managers: () => [],
    nodeId: "node-1",
    registries: { insecure },
    reportStatus: (id, status) => reports.push({ id, status }),
    logger: silentLogger(),
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; reports: ${JSON.stringify(reports)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), "swarm-prefetch-"));
  store = ImageStore.open({ root: join(work, "store") });
  const archive = join(work, "here.tar");
  writeFileSync(archive, buildOciArchive([{ name: "demo/here:1", layers: [encodeTar([{ path: "a", type: "file", mode: 0o644, data: Buffer.from("x") }])], config: { cmd: ["/a"] } }]));
  await store.load(archive);
  handed = [];
  reports = [];
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("image prefetcher", () => {
  it("hands on tasks whose image is here; rejects once, with the reason, those whose image nobody has", async () => {
    const p = prefetcher();
    const here = task("t-here", "demo/here:1");
    const missing = task("t-missing", "demo/missing:1");
    p.setAssignments([here, missing]);
    expect(handed.at(-1)).toEqual(["t-here"]);
    await until("t-missing rejected", () => reports.length === 1);
    expect(reports[0]?.id).toBe("t-missing");
    expect(reports[0]?.status).toMatchObject({ state: "REJECTED", message: "fetching the image failed", err: "image demo/missing:1 could not be fetched: no manager known yet", appliedBy: "node-1" });
    expect(handed.at(-1)).toEqual(["t-here"]);
    // The managers have not written the rejection back yet: the same task is neither reported again nor handed on.
    p.setAssignments([here, missing]);
    await new Promise((r) => setTimeout(r, 50));
    expect(reports).toHaveLength(1);
    expect(handed.at(-1)).toEqual(["t-here"]);
    // The restart policy's replacement tries again.
    p.setAssignments([here, { ...missing, status: { ...missing.status!, state: "REJECTED" } }, task("t-next", "demo/missing:1")]);
    await until("t-next rejected", () => reports.length === 2);
    expect(reports[1]?.id).toBe("t-next");
  });

  it("names each source: the registry a reference names is tried after the managers", async () => {
    // A loopback port nothing listens on (it was free a moment ago).
    const registry = `127.0.0.1:${await freePort()}`;
    const p = prefetcher([registry]);
    p.setAssignments([task("t1", `${registry}/demo/web:1`)]);
    await until("t1 rejected", () => reports.length === 1);
    expect(reports[0]?.status.err).toBe(
      `image ${registry}/demo/web:1 could not be fetched: from its registry: manifest demo/web:1: cannot reach registry http://${registry}: fetch failed (connect ECONNREFUSED ${registry})`,
    );
    expect(handed.flat()).toEqual([]);
    // Not listed as insecure: https, and the error says which flag would list it.
    prefetcher().setAssignments([task("t2", `${registry}/demo/web:1`)]);
    await until("t2 rejected", () => reports.length === 2);
    expect(reports[1]?.status.err).toContain(`cannot reach registry https://${registry}: fetch failed (connect ECONNREFUSED ${registry}) (a registry that speaks plain http needs \`swarmd --insecure-registry ${registry}\`)`);
  });

  it("hands on a task that is no longer wanted without fetching its image", () => {
    const p = prefetcher();
    p.setAssignments([task("t-old", "demo/missing:1", "SHUTDOWN")]);
    expect(handed.at(-1)).toEqual(["t-old"]);
    expect(reports).toEqual([]);
  });
});
