import { describe, expect, it } from "vitest";
import { validateClusterSpec, validateNodeSpec } from "./node-cluster-spec.js";
import { canonical } from "./codec.js";
import { normalizeClusterSpec } from "./defaults.js";

describe("node specs", () => {
  const spec = canonical("NodeSpec", { annotations: { labels: { zone: "east", old: "1" } } });

  it("validates specs from the wire", () => {
    expect(() => validateNodeSpec(spec)).not.toThrow();
    expect(() => validateNodeSpec({ availability: 9 as never })).toThrow("spec.availability: 9 is not one of ACTIVE, PAUSE, DRAIN");
    expect(() => validateNodeSpec({ annotations: { labels: { " ": "x" } } })).toThrow("spec.annotations.labels: label keys must not be empty");
  });
});

describe("cluster specs", () => {
  it("accepts the defaults", () => {
    expect(() => validateClusterSpec(normalizeClusterSpec())).not.toThrow();
    expect(() => validateClusterSpec({})).not.toThrow();
  });

  it.each([
    [{ dispatcher: { heartbeatPeriodMs: 0 } }, "spec.dispatcher.heartbeatPeriodMs: 0 is not ≥ 1"],
    [{ orchestration: { taskHistoryRetentionLimit: -1 } }, "spec.orchestration.taskHistoryRetentionLimit: -1 is not ≥ 0"],
    [{ raft: { electionTick: 2, heartbeatTick: 2 } }, "spec.raft.electionTick: 2 must be greater than raft.heartbeatTick (2)"],
    [{ defaultAddrPool: ["10.0.0.0/33"] }, 'spec.defaultAddrPool[0]: invalid CIDR "10.0.0.0/33"'],
    [{ defaultAddrPool: ["10.1.2.0/28"] }, "spec.defaultAddrPool[0]: 10.1.2.0/28 is smaller than one /24 node subnet"],
    [{ subnetSize: 31 }, "spec.subnetSize: 31 is not within 1..30"],
    [{ gossip: { port: 70000 } }, "spec.gossip.port: 70000 is not within 1..65535"],
    [{ caConfig: { nodeCertExpiryMs: 1000 } }, "spec.caConfig.nodeCertExpiryMs: 1000 is not ≥ 3600000"],
  ])("rejects %j", (spec, message) => {
    expect(() => validateClusterSpec(spec)).toThrow(message);
  });
});
