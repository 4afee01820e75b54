import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildBusyboxRootfs } from "./busybox-rootfs.js";

describe("buildBusyboxRootfs", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lays out a busybox root with applet links and the extra files", () => {
    dir = mkdtempSync(join(tmpdir(), "swarm-rootfs-"));
    buildBusyboxRootfs(dir, { files: { "www/index.html": "hello\n" } });
    expect(existsSync(join(dir, "bin/busybox"))).toBe(true);
    expect(lstatSync(join(dir, "bin/sh")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "bin/sh"))).toBe("busybox");
    expect(readFileSync(join(dir, "www/index.html"), "utf8")).toBe("hello\n");
    expect(readFileSync(join(dir, "etc/passwd"), "utf8")).toMatch(/^root:x:0:0:/);
  });
});
