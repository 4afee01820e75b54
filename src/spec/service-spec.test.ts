import { describe, expect, it } from "vitest";
import { validateServiceSpec, checkImageReference } from "./service-spec.js";
import { normalizeClusterSpec, normalizeServiceSpec, SERVICE_DEFAULTS } from "./defaults.js";
import { decodeMessage, encodeMessage } from "./codec.js";
import { ValidationError } from "../lib/errors.js";
import { ImageError } from "../image/errors.js";
import { parseReference } from "../image/reference.js";
import type { ServiceSpec } from "../gen/swarm/api/ServiceSpec.js";

function web(extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return { annotations: { name: "web" }, task: { container: { image: "demo/web:1" } }, replicated: { replicas: 5 }, ...extra };
}

function errorOf(spec: ServiceSpec): ValidationError {
  try {
    validateServiceSpec(spec);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("validateServiceSpec", () => {
  it("accepts a minimal spec and a full one", () => {
    expect(() => validateServiceSpec(web())).not.toThrow();
    expect(() =>
      validateServiceSpec(
        web({
          task: {
            container: {
              image: "localhost:5000/demo/web:1@sha256:" + "a".repeat(64),
              env: ["A=1"],
              mounts: [{ type: "BIND", source: "/srv", target: "/www", readOnly: true }, { type: "TMPFS", target: "/tmp" }],
              stopGracePeriodMs: 1000,
              stopSignal: "SIGQUIT",
              healthcheck: { test: ["CMD-SHELL", "wget -q -O- localhost"], intervalMs: 1000, retries: 2 },
              dir: "/www",
              hostname: "web-1",
            },
            resources: { limits: { nanoCpus: 1e9, memoryBytes: 256 * 1024 ** 2, pids: 100 }, reservations: { nanoCpus: 5e8, memoryBytes: 128 * 1024 ** 2 } },
            restart: { condition: "ON_FAILURE", delayMs: 100, maxAttempts: 3, windowMs: 60_000 },
            placement: { constraints: ["node.labels.zone==east"], preferences: [{ spread: { spreadDescriptor: "node.labels.rack" } }], maxReplicas: 2 },
          },
          update: { parallelism: 2, delayMs: 1000, failureAction: "ROLLBACK", maxFailureRatio: 0.2, order: "START_FIRST" },
          endpoint: { ports: [{ targetPort: 80, publishedPort: 8080 }, { targetPort: 53, publishedPort: 53, protocol: "UDP", publishMode: "HOST" }] },
        }),
      ),
    ).not.toThrow();
  });

  it.each<[string, ServiceSpec, string]>([
    ["negative replicas", web({ replicated: { replicas: -1 } }), "spec.mode.replicated.replicas: -1 is not ≥ 0"],
    ["replicas as a non-integer string", web({ replicated: { replicas: "two" } }), 'spec.mode.replicated.replicas: "two" is not an integer'],
    ["both modes", web({ global: {} }), "spec.mode: set either replicated or global, not both"],
    ["no name", web({ annotations: {} }), "spec.annotations.name: a service needs a name"],
    ["bad name", web({ annotations: { name: "-web" } }), 'spec.annotations.name: "-web" is not a valid name'],
    ["no task", web({ task: null }), "spec.task: a service needs a task spec"],
    ["no container", web({ task: {} }), "spec.task.container: a service needs a container spec"],
    ["no image", web({ task: { container: {} } }), "spec.task.container.image: an image is required"],
    ["upper-case image", web({ task: { container: { image: "Demo/Web:1" } } }), 'spec.task.container.image: "Demo/Web:1": repository name must be lowercase'],
    ["image with spaces", web({ task: { container: { image: "demo web" } } }), 'spec.task.container.image: "demo web": "demo web" is not a valid repository name'],
    ["image with a bad tag", web({ task: { container: { image: "demo/web:-1" } } }), 'spec.task.container.image: "demo/web:-1": tag "-1" is invalid'],
    ["image with a bad digest", web({ task: { container: { image: "demo/web@sha256:zz" } } }), 'spec.task.container.image: "demo/web@sha256:zz": "sha256:zz" is not a sha256 digest'],
    ["bad env", web({ task: { container: { image: "x", env: ["A=1", "=2"] } } }), 'spec.task.container.env[1]: invalid environment variable "=2"'],
    ["relative mount target", web({ task: { container: { image: "x", mounts: [{ type: "TMPFS", target: "tmp" }] } } }), 'spec.task.container.mounts[0].target: "tmp" is not an absolute path'],
    [
      "duplicate mount target",
      web({ task: { container: { image: "x", mounts: [{ type: "TMPFS", target: "/t" }, { type: "TMPFS", target: "/t" }] } } }),
      'spec.task.container.mounts[1].target: "/t" is already mounted by spec.task.container.mounts[0]',
    ],
    ["bad signal", web({ task: { container: { image: "x", stopSignal: "SIGNOPE" } } }), 'spec.task.container.stopSignal: invalid signal "SIGNOPE"'],
    ["bad health test", web({ task: { container: { image: "x", healthcheck: { test: ["RUN", "x"] } } } }), 'spec.task.container.healthcheck.test[0]: "RUN" is not one of NONE, CMD, CMD-SHELL'],
    ["zero health interval", web({ task: { container: { image: "x", healthcheck: { test: ["CMD", "true"], intervalMs: 0 } } } }), "spec.task.container.healthcheck.intervalMs: 0 is not ≥ 1"],
    ["negative memory", web({ task: { container: { image: "x" }, resources: { limits: { memoryBytes: -5 } } } }), "spec.task.resources.limits.memoryBytes: -5 is not ≥ 0"],
    ["tiny memory limit", web({ task: { container: { image: "x" }, resources: { limits: { memoryBytes: 1000 } } } }), "below the minimum memory limit"],
    [
      "reservation above limit",
      web({ task: { container: { image: "x" }, resources: { limits: { memoryBytes: 64 * 1024 ** 2 }, reservations: { memoryBytes: 128 * 1024 ** 2 } } } }),
      "spec.task.resources.reservations.memoryBytes: 134217728 exceeds the limit 67108864",
    ],
    ["bad restart condition", web({ task: { container: { image: "x" }, restart: { condition: 7 as never } } }), "spec.task.restart.condition: 7 is not one of NONE, ON_FAILURE, ANY"],
    ["negative restart delay", web({ task: { container: { image: "x" }, restart: { delayMs: -1 } } }), "spec.task.restart.delayMs: -1 is not ≥ 0"],
    ["bad constraint", web({ task: { container: { image: "x" }, placement: { constraints: ["node.labels.zone==a", "zone=b"] } } }), 'spec.task.placement.constraints[1]: invalid constraint "zone=b"'],
    ["bad spread", web({ task: { container: { image: "x" }, placement: { preferences: [{ spread: { spreadDescriptor: "node.hostname" } }] } } }), 'spec.task.placement.preferences[0].spread: unknown node attribute "node.hostname"'],
    ["negative max replicas", web({ task: { container: { image: "x" }, placement: { maxReplicas: -2 } } }), "spec.task.placement.maxReplicas: -2 is not ≥ 0"],
    ["negative parallelism", web({ update: { parallelism: -1 } }), "spec.update.parallelism: -1 is not ≥ 0"],
    ["failure ratio above 1", web({ rollback: { maxFailureRatio: 1.5 } }), "spec.rollback.maxFailureRatio: 1.5 is not within 0..1"],
    ["bad failure action", web({ update: { failureAction: "EXPLODE" as never } }), 'spec.update.failureAction: "EXPLODE" is not one of PAUSE, CONTINUE, ROLLBACK'],
    ["target port 0", web({ endpoint: { ports: [{ targetPort: 0, publishedPort: 80 }] } }), "spec.endpoint.ports[0].targetPort: 0 is not within 1..65535"],
    [
      "duplicate published port",
      web({ endpoint: { ports: [{ targetPort: 80, publishedPort: 8080 }, { targetPort: 81, publishedPort: 8080 }] } }),
      "spec.endpoint.ports[1].publishedPort: 8080/tcp is already published by spec.endpoint.ports[0]",
    ],
    ["host port without published", web({ endpoint: { ports: [{ targetPort: 80, publishMode: "HOST" }] } }), "spec.endpoint.ports[0].publishedPort: a host-mode port needs a published port"],
    ["dnsrr with ingress", web({ endpoint: { mode: "DNSRR", ports: [{ targetPort: 80, publishedPort: 80 }] } }), "spec.endpoint.mode: DNSRR cannot be used with ingress-mode published ports"],
  ])("rejects %s", (_what, spec, message) => {
    const err = errorOf(spec);
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.message).toContain(message);
    expect(err.message.startsWith(err.field)).toBe(true);
  });

  it("allows the same port number on tcp and udp", () => {
    expect(() => validateServiceSpec(web({ endpoint: { ports: [{ targetPort: 53, publishedPort: 53 }, { targetPort: 53, publishedPort: 53, protocol: "UDP" }] } }))).not.toThrow();
  });

  it("survives the wire: a negative replica count is still rejected after encode/decode", () => {
    const decoded = decodeMessage("ServiceSpec", encodeMessage("ServiceSpec", web({ replicated: { replicas: -1 } })));
    expect(decoded.replicated?.replicas).toBe(-1);
    expect(() => validateServiceSpec(decoded)).toThrow("spec.mode.replicated.replicas: -1 is not ≥ 0");
  });

  it("checks image references", () => {
    for (const ok of ["busybox", "demo/web:1", "registry.local:5000/a/b-c_d.e:v1.2", "x@sha256:" + "0".repeat(64)]) expect(() => checkImageReference("i", ok)).not.toThrow();
    for (const bad of ["", "a:", ":tag", "a//b", "x@sha256:zz"]) expect(() => checkImageReference("i", bad)).toThrow(ValidationError);
  });

  it("accepts exactly the references the image store parses (one grammar)", () => {
    const h = "0".repeat(64);
    const refs = ["busybox", "demo/web:1", "10.0.0.5:5000/demo/web:2", `demo/web:1@sha256:${h}`, `sha256:${h}`, "sha256:abcd", "Demo/Web", "demo web", "sha256:latest", "-bad.host/x", "a..b/x", "demo/web:-1"];
    for (const ref of refs) {
      let store = "ok";
      try {
        parseReference(ref);
      } catch (err) {
        store = err instanceof ImageError ? "refused" : String(err);
      }
      let spec = "ok";
      try {
        checkImageReference("spec.task.container.image", ref);
      } catch (err) {
        spec = err instanceof ValidationError ? "refused" : String(err);
      }
      expect({ ref, spec }).toEqual({ ref, spec: store });
    }
  });
});

describe("normalizeServiceSpec", () => {
  it("fills Docker's defaults", () => {
    const n = normalizeServiceSpec({ annotations: { name: "web" }, task: { container: { image: "demo/web:1" } } });
    expect(n.mode).toBe("replicated");
    expect(n.replicated?.replicas).toBe(1);
    expect(n.update).toMatchObject({ parallelism: 1, delayMs: 0, failureAction: "PAUSE", monitorMs: 5000, order: "STOP_FIRST", maxFailureRatio: 0 });
    expect(n.rollback).toMatchObject({ parallelism: 1, monitorMs: 5000 });
    expect(n.task?.restart).toMatchObject({ condition: "ANY", delayMs: 5000, maxAttempts: 0, windowMs: 0 });
    expect(n.task?.container?.stopGracePeriodMs).toBe(SERVICE_DEFAULTS.stopGracePeriodMs);
    expect(n.task?.container?.stopSignal).toBe("SIGTERM");
    expect(n.task?.container?.healthcheck).toBeNull();
    expect(n.endpoint).toMatchObject({ mode: "VIP", ports: [] });
    expect(n.task?.placement).toMatchObject({ constraints: [], preferences: [], maxReplicas: 0 });
  });

  it("keeps explicit values, including explicit zeros of optional tunables", () => {
    const n = normalizeServiceSpec(
      web({
        global: {},
        replicated: null,
        update: { parallelism: 0, monitorMs: 0, order: "START_FIRST" },
        task: { container: { image: "x", stopGracePeriodMs: 0, healthcheck: { test: ["CMD", "true"], retries: 0 } }, restart: { condition: "NONE", delayMs: 0 } },
      }),
    );
    expect(n.mode).toBe("global");
    expect(n.update).toMatchObject({ parallelism: 0, monitorMs: 0, order: "START_FIRST" });
    expect(n.task?.restart).toMatchObject({ condition: "NONE", delayMs: 0 });
    expect(n.task?.container?.stopGracePeriodMs).toBe(0);
    expect(n.task?.container?.healthcheck).toMatchObject({ intervalMs: 30_000, timeoutMs: 30_000, retries: 0 });
  });

  it("is idempotent and validates first", () => {
    const once = normalizeServiceSpec(web());
    expect(normalizeServiceSpec(once)).toEqual(once);
    expect(() => normalizeServiceSpec(web({ replicated: { replicas: -3 } }))).toThrow("spec.mode.replicated.replicas: -3 is not ≥ 0");
  });
});

describe("normalizeClusterSpec", () => {
  it("fills defaults and keeps explicit values", () => {
    const d = normalizeClusterSpec();
    expect(d.annotations?.name).toBe("default");
    expect(d.orchestration?.taskHistoryRetentionLimit).toBe(5);
    expect(d.dispatcher?.heartbeatPeriodMs).toBe(5000);
    expect(d.raft).toMatchObject({ snapshotInterval: 10_000, electionTick: 10, heartbeatTick: 1, tickMs: 100 });
    expect(d.defaultAddrPool).toEqual(["10.0.0.0/8"]);
    expect(d.subnetSize).toBe(24);
    const c = normalizeClusterSpec({ dispatcher: { heartbeatPeriodMs: 1000 }, orchestration: { taskHistoryRetentionLimit: 0 } });
    expect(c.dispatcher?.heartbeatPeriodMs).toBe(1000);
    expect(c.orchestration?.taskHistoryRetentionLimit).toBe(0);
  });
});
