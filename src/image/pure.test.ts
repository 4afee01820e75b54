import { describe, expect, it } from "vitest";
import { parseCommandFlag, parseRepositoryFilter } from "../cli/image.js";
import { ImageError } from "./errors.js";
import { formatTable } from "../lib/table.js";
import { createdSince, humanDuration, humanSize, imageRows, shortId } from "./format.js";
import { parseImageConfig, parseImageIndex, parseImageManifest, serializeImageConfig } from "./manifest.js";
import { parseReference } from "./reference.js";
import { emptyIndex, referencedContent, tagsOf, withImage, withoutImage, withoutTag, type ImageRecord } from "./store-index.js";

const d = (c: string): `sha256:${string}` => `sha256:${c.repeat(64)}`;

describe("references", () => {
  it.each([
    ["demo/web:1", { kind: "named", name: "demo/web", tag: "1" }],
    ["demo/web", { kind: "named", name: "demo/web", tag: "latest" }],
    ["localhost:5000/demo/web:v2.1", { kind: "named", name: "localhost:5000/demo/web", tag: "v2.1" }],
    [d("a"), { kind: "digest", digest: d("a") }],
    [`demo/web@${d("b")}`, { kind: "digest", digest: d("b"), name: "demo/web" }],
    [`demo/web:1@${d("b")}`, { kind: "digest", digest: d("b"), name: "demo/web" }],
    ["sha256:abcd", { kind: "idPrefix", prefix: "abcd" }],
    ["abcdef123", { kind: "named", name: "abcdef123", tag: "latest" }],
  ])("parses %s", (ref, expected) => {
    expect(parseReference(ref)).toEqual(expected);
  });
  it.each([
    ["", /is empty/],
    ["Demo/Web", /not a valid repository name/],
    ["Demo/Web:1", /^image reference "Demo\/Web:1": repository name must be lowercase \("Demo\/Web" is not a valid repository name\)$/],
    ["demo web", /"demo web" is not a valid repository name \(lowercase letters/],
    ["demo/web:", /tag "" is invalid/],
    ["demo/web:-x", /tag "-x" is invalid/],
    ["demo/web@sha256:xyz", /is not a sha256 digest/],
    ["sha256:XYZ", /not a valid sha256 digest/],
  ])("refuses %j", (ref, message) => {
    expect(() => parseReference(ref)).toThrow(ImageError);
    expect(() => parseReference(ref)).toThrow(message);
  });
});

describe("docker-style formatting", () => {
  it.each([
    [0, "0B"],
    [999, "999B"],
    [1000, "1kB"],
    [1_982_373, "1.98MB"],
    [123_456_789, "123MB"],
    [5_000_000_000, "5GB"],
  ])("humanSize(%i) = %s", (n, s) => expect(humanSize(n)).toBe(s));

  it.each([
    [500, "Less than a second"],
    [1000, "1 second"],
    [45_000, "45 seconds"],
    [60_000, "About a minute"],
    [30 * 60_000, "30 minutes"],
    [3_600_000, "About an hour"],
    [5 * 3_600_000, "5 hours"],
    [3 * 86_400_000, "3 days"],
    [20 * 86_400_000, "2 weeks"],
    [100 * 86_400_000, "3 months"],
    [3 * 365 * 86_400_000, "3 years"],
  ])("humanDuration(%i) = %s", (ms, s) => expect(humanDuration(ms)).toBe(s));

  it("says N/A for unknown creation times", () => {
    expect(createdSince(null, new Date())).toBe("N/A");
    expect(createdSince("2024-01-01T00:00:00Z", new Date("2024-01-01T05:00:00Z"))).toBe("5 hours ago");
  });

  it("lays out a table with 3-space gaps and one row per tag, <none> when untagged", () => {
    const rec = (id: string, created: string): ImageRecord => ({
      manifestDigest: d("f"),
      configDigest: d(id),
      layers: [{ digest: d("1"), diffId: d("2"), mediaType: "x", size: 10, unpackedSize: 2_000_000 }],
      created,
      loadedAt: created,
    });
    const rows = imageRows([
      { record: rec("a", "2024-01-01T00:00:00Z"), tags: ["demo/web:1", "demo/web:latest"] },
      { record: rec("b", "2025-01-01T00:00:00Z"), tags: [] },
    ]);
    expect(rows.map((r) => `${r.repository}:${r.tag}:${shortId(r.id)}`)).toEqual(["<none>:<none>:bbbbbbbbbbbb", "demo/web:1:aaaaaaaaaaaa", "demo/web:latest:aaaaaaaaaaaa"]);
    expect(formatTable(["A", "BB"], [["xxxx", "y"]])).toBe("A      BB\nxxxx   y\n");
  });
});

describe("image documents", () => {
  const enc = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

  it("round-trips an image config with every run-time field", () => {
    const bytes = serializeImageConfig({
      created: "2024-01-01T00:00:00Z",
      architecture: "amd64",
      diffIds: [d("1")],
      config: {
        cmd: ["a"],
        entrypoint: ["/e"],
        env: ["A=1"],
        workingDir: "/w",
        user: "1:2",
        exposedPorts: ["80/tcp", "53/udp"],
        healthcheck: { test: ["CMD", "true"], intervalNs: 1, timeoutNs: 2, startPeriodNs: 3, retries: 4 },
        labels: { l: "v" },
        stopSignal: "SIGQUIT",
      },
    });
    expect(parseImageConfig(bytes, "cfg")).toEqual({
      architecture: "amd64",
      os: "linux",
      created: "2024-01-01T00:00:00Z",
      diffIds: [d("1")],
      config: {
        cmd: ["a"],
        entrypoint: ["/e"],
        env: ["A=1"],
        workingDir: "/w",
        user: "1:2",
        exposedPorts: ["53/udp", "80/tcp"],
        healthcheck: { test: ["CMD", "true"], intervalNs: 1, timeoutNs: 2, startPeriodNs: 3, retries: 4 },
        labels: { l: "v" },
        stopSignal: "SIGQUIT",
      },
    });
  });

  it.each([
    ["not JSON", Buffer.from("{"), /cfg: not valid JSON/],
    ["an array", enc([]), /cfg: is not a JSON object/],
    ["no rootfs", enc({ config: {} }), /cfg: rootfs is not an object/],
    ["a bad diff id", enc({ rootfs: { type: "layers", diff_ids: ["md5:x"] } }), /rootfs.diff_ids\[0\]: digest algorithm of "md5:x" is not supported/],
    ["Cmd not strings", enc({ rootfs: { type: "layers", diff_ids: [] }, config: { Cmd: [1] } }), /cfg: config.Cmd\[0\] is not a string/],
    ["negative health retries", enc({ rootfs: { type: "layers", diff_ids: [] }, config: { Healthcheck: { Test: [], Retries: -1 } } }), /config.Healthcheck.Retries: -1 is not a non-negative integer/],
  ])("refuses a config with %s, naming the field", (_n, bytes, message) => {
    expect(() => parseImageConfig(bytes, "cfg")).toThrow(message);
  });

  it("refuses manifests and indexes that are not schema 2 or have bad descriptors", () => {
    expect(() => parseImageManifest(enc({ schemaVersion: 1 }), "m")).toThrow(/m: schemaVersion 1 is not 2/);
    expect(() => parseImageManifest(enc({ schemaVersion: 2, config: { digest: d("a"), size: -1 } }), "m")).toThrow(/config.size: -1 is not a valid size/);
    expect(() => parseImageIndex(enc({ schemaVersion: 2, manifests: [{ digest: "sha256:12", size: 1 }] }), "i")).toThrow(/manifests\[0\].digest: "sha256:12" is not a sha256 digest/);
  });
});

describe("store index operations", () => {
  const rec = (c: string, layers: string[]): ImageRecord => ({
    manifestDigest: d(`m${c}`.slice(-1)),
    configDigest: d(c),
    layers: layers.map((l) => ({ digest: d(l), diffId: d(l), mediaType: "x", size: 1, unpackedSize: 1 })),
    created: null,
    loadedAt: "t",
  });

  it("moves a tag to the newly loaded image and keeps the old one untagged", () => {
    let idx = withImage(emptyIndex(), rec("a", ["1"]), ["demo/web:1"]);
    idx = withImage(idx, rec("b", ["1", "2"]), ["demo/web:1"]);
    expect(tagsOf(idx, d("a"))).toEqual([]);
    expect(tagsOf(idx, d("b"))).toEqual(["demo/web:1"]);
    expect(Object.keys(idx.images)).toHaveLength(2);
  });

  it("keeps shared layers referenced after removing one image", () => {
    let idx = withImage(emptyIndex(), rec("a", ["1"]), ["x:1"]);
    idx = withImage(idx, rec("b", ["1", "2"]), ["x:2"]);
    idx = withoutImage(idx, d("b"));
    const { diffIds } = referencedContent(idx);
    expect([...diffIds]).toEqual([d("1")]);
    expect(withoutTag(idx, "x:1").tags).toEqual({});
  });
});

describe("--cmd / --entrypoint values", () => {
  it("takes a JSON array as exec form and anything else as shell form", () => {
    expect(parseCommandFlag("--cmd", '["/bin/echo", "hi"]')).toEqual(["/bin/echo", "hi"]);
    expect(parseCommandFlag("--cmd", "echo $HOME")).toEqual(["/bin/sh", "-c", "echo $HOME"]);
  });
  it.each([
    ["[1,2]", /--cmd: "\[1,2\]" must be a non-empty JSON array of strings/],
    ["[]", /must be a non-empty JSON array/],
    ["[oops", /--cmd: "\[oops" is not a valid JSON array/],
    ["  ", /--cmd: must not be empty/],
  ])("refuses %j", (value, message) => {
    expect(() => parseCommandFlag("--cmd", value)).toThrow(message);
  });
});

describe("image ls filter", () => {
  it("matches a repository, or a repository and tag", () => {
    expect(parseRepositoryFilter("demo/web")).toEqual({ repository: "demo/web" });
    expect(parseRepositoryFilter("demo/web:2")).toEqual({ repository: "demo/web", tag: "2" });
    expect(parseRepositoryFilter("localhost:5000/web")).toEqual({ repository: "localhost:5000/web" });
    expect(parseRepositoryFilter("docker.io/library/busybox:1")).toEqual({ repository: "busybox", tag: "1" });
    expect(() => parseRepositoryFilter("Bad")).toThrow(/not a valid repository name/);
  });
});
