import { execFile } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStore } from "./store.js";
import { buildOciArchive } from "./testing/archives.js";
import { listTree } from "./testing/store-listing.js";
import { buildTestImages, type TestImages } from "./testing/test-images.js";
import { encodeTar } from "./tar/writer.js";

// The real launcher (bin/swarmctl.js → dist/), as a user runs it, against a temporary store.
const repo = new URL("../..", import.meta.url).pathname;
let work = "";
let store = "";
let images: TestImages;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function swarmctl(args: string[], options: { env?: Record<string, string>; stdinFile?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [join(repo, "bin/swarmctl.js"), ...args],
      { env: { ...process.env, SWARM_LOG_LEVEL: "silent", ...options.env } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.stdinFile !== undefined && child.stdin !== null) createReadStream(options.stdinFile).pipe(child.stdin);
    else child.stdin?.end();
  });
}

const image = (...args: string[]): Promise<Result> => swarmctl(["image", ...args, "--store", store]);

/** dist/ must hold a build of the current sources, or these tests would test old code. */
function assertDistFresh(): void {
  const pairs: [string, string][] = [["src/cli/image.ts", "dist/src/cli/image.js"], ["src/cli/swarmctl.ts", "dist/src/cli/swarmctl.js"]];
  for (const f of readdirSync(join(repo, "src/image"))) {
    if (f.endsWith(".ts") && !f.endsWith(".test.ts")) pairs.push([`src/image/${f}`, `dist/src/image/${f.replace(/\.ts$/, ".js")}`]);
  }
  for (const [src, out] of pairs) {
    if (!existsSync(join(repo, out))) throw new Error(`${out} is missing: run \`npm run build:ts\` before the CLI tests`);
    if (statSync(join(repo, out)).mtimeMs < statSync(join(repo, src)).mtimeMs) {
      throw new Error(`${out} is older than ${src}: dist is stale, run \`npm run build:ts\``);
    }
  }
}

beforeAll(() => {
  assertDistFresh();
  images = buildTestImages();
  work = mkdtempSync(join(tmpdir(), "swarm-image-cli-"));
  store = join(work, "store");
  ImageStore.open({ root: store }); // exists (empty) even when only the bad-input cases run
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("swarmctl image", () => {
  it("load, ls, inspect, rm: the docker-style round trip", async () => {
    expect(await image("load", images.web1)).toMatchObject({ code: 0, stdout: "Loaded image: demo/web:1\n" });
    expect(await image("load", "-i", images.web2)).toMatchObject({ code: 0, stdout: "Loaded image: demo/web:2\n" });

    const ls = await image("ls");
    expect(ls.code).toBe(0);
    const lines = ls.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual([
      ["demo/web", "1"],
      ["demo/web", "2"],
    ]);
    expect(lines[1]).toMatch(/demo\/web\s+1\s+[0-9a-f]{12}\s+\d+ years ago\s+\d\.\d+MB$/);

    const only2 = await image("ls", "demo/web:2");
    expect(only2.stdout.trimEnd().split("\n").slice(1).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual([["demo/web", "2"]]);

    const q = await image("ls", "-q");
    expect(q.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(q.stdout).toMatch(/^([0-9a-f]{12}\n){2}$/);

    const json = await image("ls", "--format", "json");
    const rows = json.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows.map((r) => `${r.Repository}:${r.Tag}`)).toEqual(["demo/web:1", "demo/web:2"]);

    const inspect = await image("inspect", "demo/web:1");
    expect(inspect.code).toBe(0);
    const [doc] = JSON.parse(inspect.stdout) as { Id: string; RepoTags: string[]; Config: { Cmd: string[]; ExposedPorts: object; Healthcheck: { Test: string[] } } }[];
    expect(doc?.RepoTags).toEqual(["demo/web:1"]);
    expect(doc?.Config.ExposedPorts).toEqual({ "80/tcp": {} });
    expect(doc?.Config.Healthcheck.Test[0]).toBe("CMD-SHELL");
    expect(q.stdout.split("\n")).toContain(doc?.Id.slice(7, 19));

    const rm = await image("rm", "demo/web:2");
    expect(rm).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Untagged: demo\/web:2\nDeleted: sha256:[0-9a-f]{64}\n$/) as unknown });
    expect((await image("ls", "-q")).stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  it("loads a docker-save archive from stdin, using $SWARM_IMAGE_STORE", async () => {
    const envStore = join(work, "env-store");
    const r = await swarmctl(["image", "load"], { env: { SWARM_IMAGE_STORE: envStore }, stdinFile: images.web1DockerSave });
    expect(r).toMatchObject({ code: 0, stdout: "Loaded image: demo/web:1\n" });
    expect(existsSync(join(envStore, "repositories.json"))).toBe(true);
  });

  it("imports a rootfs tar with --cmd, --env and --expose", async () => {
    const r = await image("import", images.rootfs, "--tag", "demo/base:1", "--cmd", "echo hi", "--env", "GREETING=hello", "--expose", "8080");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const [doc] = JSON.parse((await image("inspect", "demo/base:1")).stdout) as { Id: string; Config: { Cmd: string[]; Env: string[]; ExposedPorts: object } }[];
    expect(doc?.Id).toBe(r.stdout.trim());
    expect(doc?.Config.Cmd).toEqual(["/bin/sh", "-c", "echo hi"]);
    expect(doc?.Config.Env).toContain("GREETING=hello");
    expect(doc?.Config.ExposedPorts).toEqual({ "8080/tcp": {} });
    // docker-style positional reference
    const positional = await image("import", images.rootfs, "demo/base:2");
    expect(positional.code, positional.stderr).toBe(0);
    expect((await image("ls", "demo/base:2")).stdout).toMatch(/demo\/base\s+2\s+/);
  });
});

describe("swarmctl image tag / rm -f", () => {
  it("tags an image; rm by id needs -f when several tags point at it", async () => {
    const tagStore = join(work, "tag-store");
    const t = (...args: string[]): Promise<Result> => swarmctl(["image", ...args, "--store", tagStore]);
    expect((await t("load", images.web1)).code).toBe(0);
    expect(await t("tag", "demo/web:1", "demo/web:prod")).toMatchObject({ code: 0, stdout: "" });
    const ls = await t("ls", "--format", "json");
    const rows = ls.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows.map((r) => `${r.Repository}:${r.Tag}`)).toEqual(["demo/web:1", "demo/web:prod"]);
    const id = rows[0]?.ID ?? "";
    const refused = await t("rm", id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is referenced by 2 tags \(demo\/web:1, demo\/web:prod\)/);
    const forced = await t("rm", "-f", id);
    expect(forced).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Untagged: demo\/web:1\nUntagged: demo\/web:prod\nDeleted: sha256:[0-9a-f]{64}\n$/) as unknown });
    expect((await t("ls", "-q")).stdout).toBe("");
  });
});

describe("swarmctl image: bad input fails clearly and changes nothing", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["a layer with a '../' path", () => ["load", writeArchive("dotdot.tar", "../escape")], /"\.\.\/escape": path with a '\.\.' component escapes/],
    ["a layer with an absolute path", () => ["load", writeArchive("abs.tar", "/etc/escape")], /"\/etc\/escape": absolute path is not allowed/],
    ["a file that is not a tar", () => ["load", writeRaw("text.tar", Buffer.from("hello world\n".repeat(100)))], /not a tar archive/],
    ["a missing file", () => ["load", join(work, "does-not-exist.tar")], /does-not-exist\.tar: no such file/],
    ["an unknown image", () => ["inspect", "demo/nope:1"], /no such image: demo\/nope:1/],
    ["a malformed reference", () => ["rm", "Not A Name"], /image reference "Not A Name": .* is not a valid repository name/],
    ["a bad --env", () => ["import", images.rootfs, "--tag", "x/y:1", "--env", "novalue"], /--env: "novalue" is not KEY=VALUE/],
    ["a bad --format", () => ["ls", "--format", "yaml"], /--format: "yaml" is not "table" or "json"/],
  ];

  it.each(cases)("%s", async (_name, args, message) => {
    const before = listTree(store);
    const r = await image(...args());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Error/);
    expect(r.stderr).toMatch(message);
    expect(listTree(store)).toEqual(before);
  });
});

const spec = (path: string): { name: string; layers: Buffer[]; config: object } => ({
  name: "evil/x:1",
  layers: [encodeTar([{ path, type: "file", data: Buffer.from("pwned") }])],
  config: {},
});

function writeArchive(name: string, path: string): string {
  return writeRaw(name, buildOciArchive([spec(path)]));
}

function writeRaw(name: string, data: Buffer): string {
  const p = join(work, name);
  writeFileSync(p, data);
  return p;
}
