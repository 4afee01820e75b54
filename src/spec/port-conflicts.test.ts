import { describe, expect, it } from "vitest";
import { assertNoPublishedPortConflicts, findPublishedPortConflicts, PublishedPortConflictError } from "./port-conflicts.js";

const web = { serviceId: "web", ports: [{ published: 8080, protocol: "tcp" as const, mode: "ingress" as const }] };

describe("published port conflicts", () => {
  it("refuses a second service on the same ingress port, naming port and holder", () => {
    const candidate = { serviceId: "api", ports: [{ published: 8080, protocol: "tcp" as const, mode: "ingress" as const }] };
    expect(findPublishedPortConflicts([web], candidate)).toEqual([
      { published: 8080, protocol: "tcp", serviceId: "api", heldBy: "web" },
    ]);
    expect(() => assertNoPublishedPortConflicts([web], candidate)).toThrow(PublishedPortConflictError);
    expect(() => assertNoPublishedPortConflicts([web], candidate)).toThrow(
      "service api: port 8080/tcp is already published by service web",
    );
  });

  it("allows the same number on another protocol, and a service updating its own ports", () => {
    expect(findPublishedPortConflicts([web], { serviceId: "dns", ports: [{ published: 8080, protocol: "udp", mode: "ingress" }] })).toEqual([]);
    expect(findPublishedPortConflicts([web], web)).toEqual([]);
  });

  it("allows two host-mode services on one port but not host against ingress", () => {
    const hostA = { serviceId: "a", ports: [{ published: 9000, protocol: "tcp" as const, mode: "host" as const }] };
    const hostB = { serviceId: "b", ports: [{ published: 9000, protocol: "tcp" as const, mode: "host" as const }] };
    const ingressC = { serviceId: "c", ports: [{ published: 9000, protocol: "tcp" as const, mode: "ingress" as const }] };
    expect(findPublishedPortConflicts([hostA], hostB)).toEqual([]);
    expect(findPublishedPortConflicts([hostA], ingressC)).toHaveLength(1);
  });

  it("refuses a port published twice by one service", () => {
    const twice = {
      serviceId: "x",
      ports: [
        { published: 80, protocol: "tcp" as const, mode: "ingress" as const },
        { published: 80, protocol: "tcp" as const, mode: "ingress" as const },
      ],
    };
    expect(() => assertNoPublishedPortConflicts([], twice)).toThrow("port 80/tcp is published twice by service x");
  });
});
