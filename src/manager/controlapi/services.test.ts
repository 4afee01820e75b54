import { describe, expect, it } from "vitest";
import { serviceSpecFromFlags } from "../../cli/service-flags.js";
import { SwarmError, ErrorCode } from "../../lib/errors.js";
import { makeNode } from "../../store/objects.js";
import { LocalProposer, Store } from "../../store/store.js";
import { createService, removeService, updateService, type ImagePinner } from "./services.js";

const pin: ImagePinner = (image) => {
  if (image === "demo/web:1" || image === "demo/web:2") return `${image}@sha256:${"ab".repeat(32)}`;
  throw new SwarmError(ErrorCode.NotFound, `image ${image} is not in this manager's image store`);
};

function store(): Store {
  const p = new LocalProposer();
  const s = new Store({ proposer: p });
  p.attach(s);
  return s;
}

const spec = (name: string, extra: Partial<Parameters<typeof serviceSpecFromFlags>[0]> = {}) =>
  serviceSpecFromFlags({ name, image: "demo/web:1", replicas: "3", ...extra });

describe("service create/update/remove", () => {
  it("creates a service with defaults filled in and the image pinned to a digest", async () => {
    const s = store();
    const svc = await createService(s, spec("web", { publish: ["8080:80"] }), pin);
    expect(svc.spec?.annotations?.name).toBe("web");
    expect(svc.spec?.replicated?.replicas).toBe(3);
    expect(svc.spec?.task?.container?.image).toBe(`demo/web:1@sha256:${"ab".repeat(32)}`);
    expect(svc.spec?.update?.parallelism).toBe(1);
    expect(svc.endpoint?.ports[0]).toMatchObject({ publishedPort: 8080, targetPort: 80 });
  });

  it("refuses bad specs with clear errors and creates nothing", async () => {
    const s = store();
    await createService(s, spec("web"), pin);
    await expect(createService(s, spec("web"), pin)).rejects.toThrow(/service name "web" is already in use/);
    await expect(createService(s, spec("api", { image: "nope:1" }), pin)).rejects.toThrow(/image nope:1 is not in this manager's image store/);
    await expect(createService(s, { ...spec("neg"), replicated: { replicas: -1 } }, pin)).rejects.toThrow(/replicas: -1/);
    expect(() => spec("c", { constraints: ["node.role=>manager"] })).toThrow(/--constraint/);
    expect(() => spec("m", { limitMemory: "12 parsecs" })).toThrow(/12 parsecs/);
    expect(s.view((tx) => tx.list("service").map((x) => x.spec?.annotations?.name))).toEqual(["web"]);
  });

  it("refuses a published port another service holds, naming that service", async () => {
    const s = store();
    await createService(s, spec("web", { publish: ["8080:80"] }), pin);
    await expect(createService(s, spec("api", { publish: ["8080:8080"] }), pin)).rejects.toThrow(/8080.*web/);
    await createService(s, spec("dns", { publish: ["published=8080,target=53,protocol=udp"] }), pin);
  });

  it("refuses the ports swarmd holds itself (cluster, Raft, gossip, VXLAN)", async () => {
    const s = store();
    await s.update((tx) =>
      tx.create("node", makeNode({ id: "n1", description: { hostname: "h1" }, status: { state: "READY", addr: "10.0.0.11:2377" }, managerStatus: { raftId: 1, addr: "10.0.0.11:2377" } })),
    );
    await expect(createService(s, spec("a", { publish: ["2377:80"] }), pin)).rejects.toThrow("spec.endpoint.ports[0].publishedPort: 2377/tcp is already in use by swarmd itself (the cluster port of node h1)");
    await expect(createService(s, spec("b", { publish: ["2378:80"] }), pin)).rejects.toThrow("Raft on node h1");
    await expect(createService(s, spec("c", { publish: ["2379:80/udp"] }), pin)).rejects.toThrow("gossip on node h1");
    await expect(createService(s, spec("d", { publish: ["4789:80/udp"] }), pin)).rejects.toThrow("the VXLAN overlay");
    await createService(s, spec("e", { publish: ["4789:80"] }), pin); // 4789/tcp is free
    expect(s.view((tx) => tx.list("service").map((x) => x.spec?.annotations?.name))).toEqual(["e"]);
  });

  it("updates with the version read, keeps the previous spec, and rolls back to it", async () => {
    const s = store();
    const v1 = await createService(s, spec("web"), pin);
    const next = spec("web", { image: "demo/web:2" });
    const v2 = await updateService(s, "web", v1.meta!.version, next, false, pin);
    expect(v2.spec?.task?.container?.image).toMatch(/^demo\/web:2@/);
    expect(v2.previousSpec?.task?.container?.image).toMatch(/^demo\/web:1@/);
    await expect(updateService(s, "web", v1.meta!.version, next, false, pin)).rejects.toThrow(/update out of sequence/);
    expect([v1.specVersion, v2.specVersion, v2.updateStatus]).toEqual([1, 2, null]);
    const back = await updateService(s, v2.id.slice(0, 6), v2.meta!.version, null, true, pin, () => 1234);
    expect(back.spec?.task?.container?.image).toMatch(/^demo\/web:1@/);
    expect(back.specVersion).toBe(3);
    expect(back.updateStatus).toEqual({ state: "ROLLBACK_STARTED", startedAt: 1234, completedAt: 0, message: "manually requested rollback" });
    expect(back.previousSpec?.task?.container?.image).toMatch(/^demo\/web:2@/);
    await removeService(s, "web");
    expect(s.view((tx) => tx.list("service"))).toHaveLength(0);
    await expect(removeService(s, "web")).rejects.toThrow(/service web not found/);
  });
});
