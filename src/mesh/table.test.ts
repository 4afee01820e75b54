import { describe, expect, it } from "vitest";
import { ValidationError } from "../lib/errors.js";
import { PublishedPortConflictError } from "../spec/port-conflicts.js";
import { BackendTable } from "./table.js";
import type { ServiceRoutes } from "./types.js";

const web: ServiceRoutes = {
  ports: [{ published: 8080, target: 80, protocol: "tcp", mode: "ingress" }],
  backends: [
    { id: "t1", taskId: "t1", nodeId: "n1", addr: "10.0.1.2" },
    { id: "t2", taskId: "t2", nodeId: "n2", addr: "10.0.2.2" },
    { id: "t3", taskId: "t3", nodeId: "n2", addr: "10.0.2.3", port: 8000 },
  ],
};

function eligibleIds(t: BackendTable, key = "tcp/8080"): string[] {
  return (t.routes().get(key)?.eligible ?? []).map((b) => b.id);
}

describe("BackendTable", () => {
  it("compiles one route per published port with each backend's connect address", () => {
    const t = new BackendTable("n1");
    t.setService("web", web);
    const r = t.routes().get("tcp/8080");
    expect(r?.serviceId).toBe("web");
    expect(r?.strategy).toBe("round-robin");
    expect(r?.eligible.map((b) => `${b.addr}:${b.port}`)).toEqual(["10.0.1.2:80", "10.0.2.2:80", "10.0.2.3:8000"]);
  });

  it("drops a dead node's backends from the eligible list at once and restores them when alive", () => {
    const t = new BackendTable();
    t.setService("web", web);
    t.markNodeDead("n2");
    expect(eligibleIds(t)).toEqual(["t1"]);
    expect(t.routes().get("tcp/8080")?.all).toHaveLength(3);
    t.markNodeAlive("n2");
    expect(eligibleIds(t)).toEqual(["t1", "t2", "t3"]);
  });

  it("keeps a draining task out of new connections while it stays in the table, and forgets the mark once it is gone", () => {
    const t = new BackendTable();
    t.setService("web", web);
    t.startDrain("t2");
    expect(eligibleIds(t)).toEqual(["t1", "t3"]);
    t.setService("web", { ...web, backends: web.backends.filter((b) => b.taskId !== "t2") });
    expect(eligibleIds(t)).toEqual(["t1", "t3"]);
    expect(t.isDraining("t2")).toBe(false);
  });

  it("routes host-mode ports only to backends on the local node, and opens none without one", () => {
    const host: ServiceRoutes = { ...web, ports: [{ published: 9090, target: 80, protocol: "tcp", mode: "host" }] };
    const t = new BackendTable("n2");
    t.setService("web", host);
    expect(eligibleIds(t, "tcp/9090")).toEqual(["t2", "t3"]);
    const elsewhere = new BackendTable("n9");
    elsewhere.setService("web", host);
    expect(elsewhere.routes().has("tcp/9090")).toBe(false);
  });

  it("refuses a second service on a published port and keeps the first", () => {
    const t = new BackendTable();
    t.setService("web", web);
    expect(() => t.setService("api", web)).toThrow(PublishedPortConflictError);
    expect(t.routes().get("tcp/8080")?.serviceId).toBe("web");
    expect(t.service("api")).toBeUndefined();
  });

  it("rejects bad specs with the field and value in the message", () => {
    const t = new BackendTable();
    const bad = (routes: unknown): unknown => {
      try {
        t.setService("web", routes as ServiceRoutes);
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return (err as Error).message;
      }
      return "accepted";
    };
    expect(bad({ ...web, ports: [{ published: 0, target: 80, protocol: "tcp", mode: "ingress" }] })).toBe(
      "service[web].ports[0].published: 0 is not a port number in 1..65535",
    );
    expect(bad({ ...web, ports: [{ published: 53, target: 53, protocol: "sctp", mode: "ingress" }] })).toBe(
      "service[web].ports[0].protocol: sctp is not tcp or udp",
    );
    expect(bad({ ...web, ports: [{ published: 53, target: 53, protocol: "udp", mode: "ingress", proxyProtocol: "v1" }] })).toBe(
      "service[web].ports[0].proxyProtocol: v1 describes TCP streams only; use v2 for udp",
    );
    expect(bad({ ...web, backends: [{ id: "x", taskId: "x", nodeId: "n", addr: "web-1" }] })).toBe(
      'service[web].backends[0].addr: "web-1" is not an IP address',
    );
    expect(bad({ ...web, backends: [web.backends[0], web.backends[0]] })).toBe("service[web].backends[1].id: t1 appears twice");
    expect(t.service("web")).toBeUndefined();
  });
});
