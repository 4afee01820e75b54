import { describe, expect, it } from "vitest";
import { peerProblem } from "./node-network.js";

describe("peerProblem: what reaches `bridge fdb` and `ip -batch`", () => {
  it("accepts an IP and an IPv4 CIDR (or none yet)", () => {
    expect(peerProblem({ nodeId: "n", addr: "10.0.0.4", taskSubnet: "10.200.4.0/24" })).toBeNull();
    expect(peerProblem({ nodeId: "n", addr: "fd00::4", taskSubnet: "" })).toBeNull();
  });

  it("refuses argument and batch-line injection in the address or the subnet", () => {
    expect(peerProblem({ nodeId: "n", addr: "10.0.0.1 dev lo", taskSubnet: "" })).toBe('address "10.0.0.1 dev lo" is not an IP address');
    expect(peerProblem({ nodeId: "n", addr: "10.0.0.1:2377", taskSubnet: "" })).toMatch(/is not an IP address/);
    expect(peerProblem({ nodeId: "n", addr: "10.0.0.4", taskSubnet: "10.200.4.0/24\nlink del swbr0" })).toBe('task subnet "10.200.4.0/24\\nlink del swbr0" is not an IPv4 CIDR');
    for (const bad of ["10.200.4.0", "10.200.4.0/33", "10.200.4.0/24/1", "x/24", "10.200.4.0/ 24"]) {
      expect(peerProblem({ nodeId: "n", addr: "10.0.0.4", taskSubnet: bad }), bad).toMatch(/is not an IPv4 CIDR/);
    }
  });
});
