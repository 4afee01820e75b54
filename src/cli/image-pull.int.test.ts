// `swarmctl image pull` against Debian's docker-registry on loopback, fed by skopeo: the image lands in the
// store under its full name with the id of the tar-loaded one; a reference without a registry is refused.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStore } from "../image/store.js";
import { buildTestImages, type TestImages } from "../image/testing/test-images.js";
import { skopeoPush, startRegistry, type TestRegistry } from "../image/distribution/testing/registry-server.js";
import { ARGV_PASSWORD_WARNING, splitRegistryRef } from "./image-pull.js";

const run = promisify(execFile);
const SWARMCTL = new URL("../../bin/swarmctl.js", import.meta.url).pathname;
let work = "";
let images: TestImages;
let reg: TestRegistry;

beforeAll(async () => {
  images = buildTestImages();
  work = mkdtempSync(join(tmpdir(), "swarm-image-pull-"));
  reg = await startRegistry(join(work, "registry"));
  await skopeoPush(images.web1, reg.hostPort, "demo/web:1");
}, 60_000);

afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("swarmctl image pull", () => {
  it("pulls into the store, named with the registry, same id as the loaded tar", async () => {
    const store = join(work, "store");
    const ref = `${reg.hostPort}/demo/web:1`;
    const { stdout } = await run(process.execPath, [SWARMCTL, "image", "pull", "--insecure", "--store", store, ref]);
    expect(stdout).toMatch(new RegExp(`^${ref.replace(/[.]/g, "\\.")}: pulled sha256:[0-9a-f]{64} \\(3 blobs downloaded\\)`));
    const loaded = ImageStore.open({ root: join(work, "ref") });
    const id = (await loaded.load(images.web1))[0]!.configDigest;
    expect(ImageStore.open({ root: store }).resolve(ref).record.configDigest).toBe(id);
    // Named only by the full reference: a local demo/web:1 is not moved to the registry's image.
    expect(ImageStore.open({ root: store }).list().map((i) => i.tags)).toEqual([[ref]]);
    const ls = await run(process.execPath, [SWARMCTL, "image", "ls", "--store", store]);
    expect(ls.stdout).toContain(`${reg.hostPort}/demo/web`);
  });

  it("refuses a reference without a registry, and an unknown repository, with clear errors", async () => {
    expect(() => splitRegistryRef("demo/web:1")).toThrow(/names no registry/);
    expect(splitRegistryRef("localhost:5000/demo/web:1")).toEqual({ registry: "localhost:5000", repository: "demo/web:1" });
    const missing = await run(process.execPath, [SWARMCTL, "image", "pull", "--insecure", "--store", join(work, "s2"), `${reg.hostPort}/demo/nope:1`]).catch((e: { code: number; stderr: string }) => e);
    expect("code" in missing ? missing.code : 0).not.toBe(0);
    expect("stderr" in missing ? missing.stderr : "").toMatch(/demo\/nope/);
    // Without --insecure the CLI speaks https; the plain-http registry's answer fails and says what to add.
    const tls = await run(process.execPath, [SWARMCTL, "image", "pull", "--store", join(work, "s3"), `${reg.hostPort}/demo/web:1`]).catch((e: { code: number; stderr: string }) => e);
    expect("code" in tls ? tls.code : 0).not.toBe(0);
    expect("stderr" in tls ? tls.stderr : "").toMatch(/cannot reach registry https:\/\/127\.0\.0\.1:[0-9]+: fetch failed \(.+\) \(a registry that speaks plain http needs `swarmctl image pull --insecure /);
  });

  it("-u USER --password-stdin reads the password from stdin; -u USER:PASS still works but warns", async () => {
    const locked = await startRegistry(join(work, "locked"), { kind: "htpasswd", username: "alice", password: "pw-from-stdin" });
    try {
      await skopeoPush(images.web1, locked.hostPort, "demo/web:1", { creds: "alice:pw-from-stdin" });
      const ref = `${locked.hostPort}/demo/web:1`;
      const pull = (args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
        new Promise((resolve) => {
          const child = spawn(process.execPath, [SWARMCTL, "image", "pull", "--insecure", ...args, ref], { stdio: ["pipe", "pipe", "pipe"] });
          let stdout = "";
          let stderr = "";
          child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("close", (code) => resolve({ code, stdout, stderr }));
          child.stdin.end(stdin);
        });
      const viaStdin = await pull(["--store", join(work, "p1"), "-u", "alice", "--password-stdin"], "pw-from-stdin\n");
      expect(viaStdin).toMatchObject({ code: 0, stderr: "" });
      expect(viaStdin.stdout).toMatch(/: pulled sha256:[0-9a-f]{64} \(3 blobs downloaded\)/);
      const viaArgv = await pull(["--store", join(work, "p2"), "-u", "alice:pw-from-stdin"], "");
      expect(viaArgv.code).toBe(0);
      expect(viaArgv.stderr).toBe(`${ARGV_PASSWORD_WARNING}\n`);
      // A wrong password from stdin is refused by the registry; the password is in no message.
      const wrong = await pull(["--store", join(work, "p3"), "-u", "alice", "--password-stdin"], "not-it\n");
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/refused access as alice \(HTTP 401\)/);
      expect(wrong.stderr).not.toContain("not-it");
      // Mixed or incomplete flags are refused before any request, naming the flag.
      const both = await pull(["--store", join(work, "p4"), "-u", "alice:pw-from-stdin", "--password-stdin"], "pw\n");
      expect(both.code).not.toBe(0);
      expect(both.stderr).toContain('--user: "alice":… carries a password; with --password-stdin give only USER');
      expect(both.stderr).not.toContain("pw-from-stdin");
      const noUser = await pull(["--store", join(work, "p5"), "--password-stdin"], "pw\n");
      expect(noUser.stderr).toContain("--password-stdin: needs --user USER");
      const empty = await pull(["--store", join(work, "p6"), "-u", "alice", "--password-stdin"], "\n");
      expect(empty.stderr).toContain("--password-stdin: stdin gave an empty password");
    } finally {
      await locked.stop();
    }
  });
});
