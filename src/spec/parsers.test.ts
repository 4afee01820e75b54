import { describe, expect, it } from "vitest";
import { parsePublish, formatPort } from "./ports.js";
import { parseMount } from "./mounts.js";
import { envToMap, parseEnv } from "./env.js";
import { matchConstraint, parseConstraint, type NodeAttributes } from "./constraints.js";

describe("parsePublish", () => {
  it("parses short forms", () => {
    expect(parsePublish("--publish", "8080:80")).toEqual({ name: "", protocol: "TCP", targetPort: 80, publishedPort: 8080, publishMode: "INGRESS", proxyProtocol: "NONE" });
    expect(parsePublish("--publish", "8080:80/udp")).toMatchObject({ protocol: "UDP", targetPort: 80, publishedPort: 8080 });
    expect(parsePublish("--publish", "80")).toMatchObject({ targetPort: 80, publishedPort: 0 });
  });

  it("parses the long form", () => {
    expect(parsePublish("--publish", "published=53,target=53,protocol=udp,mode=host")).toEqual({
      name: "",
      protocol: "UDP",
      targetPort: 53,
      publishedPort: 53,
      publishMode: "HOST",
      proxyProtocol: "NONE",
    });
    expect(parsePublish("--publish", "published=8080,target=80,proxy=v2")).toMatchObject({ publishedPort: 8080, proxyProtocol: "V2" });
    expect(parsePublish("--publish", "published=8080,target=80,proxy=V1")).toMatchObject({ proxyProtocol: "V1" });
  });

  it.each([
    ["8080:http", '--publish: invalid target port "http" (expected a number 1-65535)'],
    ["70000:80", "--publish: published port 70000 is out of range (expected 1-65535)"],
    ["8080:80/sctp", '--publish: invalid protocol "sctp" (expected tcp or udp)'],
    ["127.0.0.1:8080:80", "an IP address is not supported"],
    ["8080-8081:80-81", "port ranges are not supported"],
    ["published=53,protocol=udp", 'missing target port in "published=53,protocol=udp"'],
    ["target=53,mode=ipvs", 'invalid publish mode "ipvs"'],
    ["target=53,color=red", 'unknown publish field "color"'],
    ["target=53,proxy=v3", 'invalid proxy protocol "v3" (expected v1, v2 or none)'],
    ["target=53,protocol=udp,proxy=v1", "proxy=v1 is TCP only"],
    ["", "empty publish spec"],
  ])("rejects %j", (text, message) => {
    expect(() => parsePublish("--publish", text)).toThrow(message);
  });

  it("formats ports like service ls", () => {
    expect(formatPort(parsePublish("p", "8080:80"))).toBe("*:8080->80/tcp");
    expect(formatPort(parsePublish("p", "published=53,target=53,protocol=udp,mode=host"))).toBe("53->53/udp");
  });
});

describe("parseMount", () => {
  it("parses bind and tmpfs mounts", () => {
    expect(parseMount("--mount", "type=bind,source=/a,target=/b,readonly")).toEqual({ type: "BIND", source: "/a", target: "/b", readOnly: true, tmpfsSizeBytes: 0 });
    expect(parseMount("--mount", "type=bind,src=/a,dst=/b,ro=false")).toMatchObject({ readOnly: false });
    expect(parseMount("--mount", "type=tmpfs,target=/tmp,tmpfs-size=64m")).toEqual({ type: "TMPFS", source: "", target: "/tmp", readOnly: false, tmpfsSizeBytes: 64 * 1024 ** 2 });
    expect(parseMount("--mount", "source=data,target=/data")).toMatchObject({ type: "VOLUME", source: "data" });
  });

  it.each([
    ["type=bind,source=a,target=/b", '--mount.source: "a" is not an absolute path'],
    ["type=bind,target=/b", "--mount.source: a bind mount needs a source"],
    ["type=bind,source=/a", "--mount.target: a mount needs a target"],
    ["type=bind,source=/a,target=b", '--mount.target: "b" is not an absolute path'],
    ["type=tmpfs,source=/x,target=/tmp", "--mount.source: a tmpfs mount takes no source"],
    ["type=nfs,target=/x", 'invalid mount type "nfs"'],
    ["type=bind,source=/a,target=/b,readonly=maybe", 'invalid value "maybe" for readonly'],
    ["type=bind,source=/a,target=/b,flavour=x", 'unknown mount option "flavour"'],
    ["type=tmpfs,target=/t,tmpfs-size=12 parsecs", '--mount: invalid memory size "12 parsecs"'],
  ])("rejects %j", (text, message) => {
    expect(() => parseMount("--mount", text)).toThrow(message);
  });
});

describe("parseEnv", () => {
  it("accepts KEY=VALUE, with = in the value", () => {
    expect(parseEnv("--env", "A=1")).toBe("A=1");
    expect(parseEnv("--env", "URL=a=b")).toBe("URL=a=b");
    expect(parseEnv("--env", "EMPTY=")).toBe("EMPTY=");
    expect(parseEnv("--env", "HOME", (k) => (k === "HOME" ? "/root" : undefined))).toBe("HOME=/root");
    expect(envToMap(["A=1", "B=x=y", "A=2"])).toEqual(new Map([["A", "2"], ["B", "x=y"]]));
  });

  it("rejects entries without a key or value", () => {
    expect(() => parseEnv("--env", "=1")).toThrow('--env: invalid environment variable "=1"');
    expect(() => parseEnv("--env", "A B=1")).toThrow("without spaces");
    expect(() => parseEnv("--env", "LONELY")).toThrow('--env: environment variable "LONELY" has no value');
  });
});

describe("constraints", () => {
  const node: NodeAttributes = {
    id: "abc123",
    hostname: "h1",
    role: "worker",
    os: "linux",
    architecture: "x86_64",
    nodeLabels: { zone: "East", "com.example/tier": "web" },
    engineLabels: { disk: "ssd" },
  };
  it.each([
    ["node.id==abc123", true],
    ["node.hostname != h1", false],
    ["node.role==worker", true],
    ["node.role==MANAGER", false],
    ["node.labels.zone==east", true],
    ["node.labels.zone!=east", false],
    ["node.labels.com.example/tier==web", true],
    ["node.labels.missing==x", false],
    ["node.labels.missing!=x", true],
    ["engine.labels.disk==ssd", true],
    ["node.platform.os==linux", true],
    ["node.platform.arch==aarch64", false],
  ])("%s → %s", (text, expected) => {
    expect(matchConstraint(parseConstraint("c", text), node)).toBe(expected);
  });

  it.each([
    ["node.zone==east", 'c: unknown node attribute "node.zone"'],
    ["node.labels.zone=east", 'c: invalid constraint "node.labels.zone=east": expected "<attribute>==<value>" or "<attribute>!=<value>"'],
    ["==east", "missing attribute before =="],
    ["node.labels.zone==", "missing value after =="],
    ["node.role==boss", 'node.role is "manager" or "worker", not "boss"'],
    ["node.labels.==x", 'invalid label name ""'],
    ["node.labels.a==b==c", "unexpected operator in value"],
  ])("rejects %j", (text, message) => {
    expect(() => parseConstraint("c", text)).toThrow(message);
  });
});
