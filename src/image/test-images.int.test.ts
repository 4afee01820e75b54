import { execFile, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareRootfs, type PreparedRootfs } from "./rootfs.js";
import { ImageStore } from "./store.js";
import { buildTestImages } from "./testing/test-images.js";

// The test images must do what TESTING.md promises. The container runtime lives elsewhere (native/),
// so this runs each image's own command and health check with chroot inside fresh net/uts/pid
// namespaces (unshare): loopback only, hostname set, everything killed when the shell exits.

let work = "";
let store: ImageStore;
const rootfs = new Map<string, PreparedRootfs>();

beforeAll(async () => {
  const images = buildTestImages();
  work = mkdtempSync(join(tmpdir(), "swarm-test-images-int-"));
  store = ImageStore.open({ root: join(work, "store") });
  for (const archive of [images.web1, images.web2, images.broken, images.unhealthy, images.udpEcho]) await store.load(archive);
  for (const ref of ["demo/web:1", "demo/web:2", "demo/broken:1", "demo/unhealthy:1", "demo/udp-echo:1"]) {
    rootfs.set(ref, await prepareRootfs(store, ref, join(work, ref.replace(/[/:]/g, "-"))));
  }
});

afterAll(async () => {
  for (const p of rootfs.values()) await p.release();
  rmSync(work, { recursive: true, force: true });
});

function prepared(ref: string): PreparedRootfs {
  const p = rootfs.get(ref);
  if (p === undefined) throw new Error(`${ref} was not prepared`);
  return p;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

/** The health check of an image as a shell command (CMD-SHELL form). */
function healthCommand(ref: string): string {
  const test = prepared(ref).config.config.healthcheck?.test ?? [];
  expect(test[0]).toBe("CMD-SHELL");
  return test[1] ?? "";
}

/**
 * Starts the image's CMD in the background in new namespaces, waits (deadline 10 s) until `GET /` answers,
 * then prints the page and the health check's exit status.
 */
async function serveAndProbe(ref: string): Promise<{ page: string; health: number; out: Run }> {
  const p = prepared(ref);
  const cmd = p.config.config.cmd ?? [];
  const script = [
    "set -u",
    "ip link set lo up",
    "hostname test-host-1",
    'chroot "$ROOT" "$@" &',
    "i=0",
    'until chroot "$ROOT" wget -q -O /dev/null http://127.0.0.1/ 2>/dev/null; do i=$((i+1)); [ $i -gt 100 ] && { echo "server did not answer within 10 s" >&2; exit 3; }; sleep 0.1; done',
    'echo "PAGE:$(chroot "$ROOT" wget -q -O - http://127.0.0.1/)"',
    'chroot "$ROOT" /bin/sh -c "$HEALTH"; echo "HEALTH:$?"',
  ].join("\n");
  const out = await run("unshare", ["--net", "--uts", "--pid", "--fork", "--kill-child", "env", `ROOT=${p.rootfs}`, `HEALTH=${healthCommand(ref)}`, "sh", "-c", script, "sh", ...cmd]);
  const page = /^PAGE:(.*)$/m.exec(out.stdout)?.[1] ?? "";
  const health = Number(/^HEALTH:(\d+)$/m.exec(out.stdout)?.[1] ?? "-1");
  return { page, health, out };
}

describe("test images", () => {
  it.each([1, 2])("demo/web:%i serves a page with its version and hostname, and its health check passes", async (v) => {
    const { page, health, out } = await serveAndProbe(`demo/web:${v}`);
    expect(out.stderr).not.toContain("did not answer");
    expect(page).toBe(`web v${v} on test-host-1`);
    expect(health).toBe(0);
    expect(prepared(`demo/web:${v}`).config.config.exposedPorts).toEqual(["80/tcp"]);
  });

  it("demo/unhealthy:1 serves but its health check fails", async () => {
    const { page, health } = await serveAndProbe("demo/unhealthy:1");
    expect(page).toBe("unhealthy");
    expect(health).not.toBe(0);
  });

  it("demo/broken:1 exits 1 at once", async () => {
    const p = prepared("demo/broken:1");
    const started = Date.now();
    const r = await run("chroot", [p.rootfs, ...(p.config.config.cmd ?? [])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("demo/broken: exiting with status 1");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("demo/udp-echo:1 echoes UDP datagrams (its binary run on a loopback test port)", async () => {
    const p = prepared("demo/udp-echo:1");
    expect(p.config.config.cmd).toEqual(["/bin/udp-echo", "53"]);
    expect(p.config.config.exposedPorts).toEqual(["53/udp"]);
    const port = 40_000 + (process.pid % 20_000);
    const child = spawn("chroot", [p.rootfs, "/bin/udp-echo", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("udp-echo did not report listening within 10 s")), 10_000);
        child.stdout.on("data", (d: Buffer) => {
          if (d.toString().includes("listening")) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on("exit", (code) => reject(new Error(`udp-echo exited with ${code}`)));
      });
      const sock = createSocket("udp4");
      try {
        const reply = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("no UDP reply within 5 s")), 5_000);
          sock.on("message", (msg) => {
            clearTimeout(timer);
            resolve(msg.toString());
          });
          sock.send("ping from the test", port, "127.0.0.1");
        });
        expect(reply).toBe("ping from the test");
      } finally {
        sock.close();
      }
    } finally {
      child.kill("SIGKILL");
    }
  });
});
