/**
 * The project's test images (TESTING.md), built from Debian's busybox-static into deterministic archives:
 *
 *   demo-web-1.tar / demo-web-2.tar   demo/web:1, demo/web:2 — busybox httpd on :80, page "web vN on <hostname>",
 *                                     health check = wget of the page
 *   demo-broken-1.tar                 demo/broken:1 — exits 1 at once
 *   demo-unhealthy-1.tar              demo/unhealthy:1 — serves :80 but its health check always fails
 *   demo-udp-echo-1.tar               demo/udp-echo:1 — UDP echo on :53 (a tiny static C program: busybox
 *                                     has no UDP server applet)
 *   demo-web-1-docker.tar             demo/web:1 in legacy `docker save` format
 *   rootfs.tar                        the plain busybox rootfs (for `image import` / `docker import`)
 *
 * All images share the busybox base layer; each adds a small top layer. Fixed mtimes and owners make the
 * bytes (and so the digests) identical on every run; files are rewritten only when their content changed.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBusyboxRootfs, requireBusybox } from "../../lib/testing/busybox-rootfs.js";
import type { ContainerConfigInput, Healthcheck } from "../manifest.js";
import { tarDirectory } from "../tar/directory.js";
import { encodeTar, type TarWriteEntry } from "../tar/writer.js";
import { buildDockerSaveArchive, buildOciArchive, type ImageSpec, TEST_IMAGE_EPOCH } from "./archives.js";

/** The repository root: the nearest ancestor with a package.json (works from src/ and from dist/src/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Default output directory (git-ignored). */
export const TEST_IMAGES_DIR = join(repoRoot(), "build", "test-images");

/** Paths of the built archives. */
export interface TestImages {
  readonly dir: string;
  readonly web1: string;
  readonly web2: string;
  readonly broken: string;
  readonly unhealthy: string;
  readonly udpEcho: string;
  readonly web1DockerSave: string;
  readonly rootfs: string;
}

const SECOND_NS = 1_000_000_000;
const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const UDP_ECHO_C = `
/* demo/udp-echo: answers every UDP datagram with the same bytes. Port from argv[1] (default 53). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 53;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("udp-echo: bind"); return 1; }
  printf("udp-echo listening on udp port %d\\n", port);
  fflush(stdout);
  char buf[65536];
  for (;;) {
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
    if (n < 0) continue;
    sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, len);
  }
}
`;

function healthcheck(command: string): Healthcheck {
  return { test: ["CMD-SHELL", command], intervalNs: 1 * SECOND_NS, timeoutNs: 1 * SECOND_NS, startPeriodNs: 0, retries: 3 };
}

function webConfig(version: number): ContainerConfigInput {
  return {
    env: [PATH_ENV, `WEB_VERSION=${version}`],
    cmd: ["/bin/sh", "-c", `echo "web v${version} on $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www`],
    exposedPorts: ["80/tcp"],
    healthcheck: healthcheck("wget -q -O /dev/null http://127.0.0.1/ || exit 1"),
    labels: { "org.swarm.test-image": "web", "org.swarm.version": String(version) },
  };
}

/** A small top layer: the given files (parents created), all owned by root with the fixed mtime. */
function topLayer(files: Readonly<Record<string, { data: Buffer; mode: number }>>): Buffer {
  const entries: TarWriteEntry[] = [];
  const dirs = new Set<string>();
  for (const path of Object.keys(files).sort()) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      if (!dirs.has(d)) {
        dirs.add(d);
        entries.push({ path: d, type: "directory", mode: 0o755, mtime: TEST_IMAGE_EPOCH });
      }
    }
    const f = files[path];
    if (f !== undefined) entries.push({ path, type: "file", mode: f.mode, mtime: TEST_IMAGE_EPOCH, data: f.data });
  }
  return encodeTar(entries);
}

function compileUdpEcho(work: string): Buffer {
  const src = join(work, "udp-echo.c");
  const out = join(work, "udp-echo");
  writeFileSync(src, UDP_ECHO_C);
  try {
    execFileSync("cc", ["-static", "-Os", "-s", "-Wl,--build-id=none", "-o", out, src], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    const why = e.code === "ENOENT" ? "cc not found (apt-get install -y gcc libc6-dev)" : (e.stderr?.toString().trim() ?? e.message);
    throw new Error(`build-test-images: compiling the udp-echo server failed: ${why}`, { cause: err });
  }
  return readFileSync(out);
}

/** Writes `data` to `path` only when different (tmp + rename, so concurrent builders never see half a file). */
function writeIfChanged(path: string, data: Buffer): void {
  if (existsSync(path) && readFileSync(path).equals(data)) return;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** The image specs (layers and configs) of every test image. */
export function testImageSpecs(work: string): { specs: Record<"web1" | "web2" | "broken" | "unhealthy" | "udpEcho", ImageSpec>; rootfsTar: Buffer } {
  const rootfsDir = join(work, "rootfs");
  buildBusyboxRootfs(rootfsDir, { files: { "etc/hostname": "busybox\n" } });
  const base = tarDirectory(rootfsDir, { mtime: TEST_IMAGE_EPOCH, owner: { uid: 0, gid: 0 } });
  const text = (s: string): { data: Buffer; mode: number } => ({ data: Buffer.from(s), mode: 0o644 });
  const web = (v: number): ImageSpec => ({
    name: `demo/web:${v}`,
    layers: [base, topLayer({ "etc/demo-image": text(`demo/web:${v}\n`) })],
    config: webConfig(v),
  });
  return {
    rootfsTar: base,
    specs: {
      web1: web(1),
      web2: web(2),
      broken: {
        name: "demo/broken:1",
        layers: [base, topLayer({ "etc/demo-image": text("demo/broken:1\n") })],
        config: { env: [PATH_ENV], cmd: ["/bin/sh", "-c", "echo 'demo/broken: exiting with status 1' >&2; exit 1"] },
      },
      unhealthy: {
        name: "demo/unhealthy:1",
        layers: [base, topLayer({ "etc/demo-image": text("demo/unhealthy:1\n"), "www/index.html": text("unhealthy\n") })],
        config: {
          env: [PATH_ENV],
          cmd: ["/bin/sh", "-c", "exec httpd -f -p 80 -h /www"],
          exposedPorts: ["80/tcp"],
          // /healthz does not exist: httpd answers 404, so wget (and the check) fails every time.
          healthcheck: healthcheck("wget -q -O /dev/null http://127.0.0.1/healthz || exit 1"),
        },
      },
      udpEcho: {
        name: "demo/udp-echo:1",
        layers: [base, topLayer({ "etc/demo-image": text("demo/udp-echo:1\n"), "bin/udp-echo": { data: compileUdpEcho(work), mode: 0o755 } })],
        config: { env: [PATH_ENV], cmd: ["/bin/udp-echo", "53"], exposedPorts: ["53/udp"] },
      },
    },
  };
}

/** Source files whose content determines the output (this builder and what it uses). */
const BUILDER_SOURCES = ["./test-images", "./archives", "../manifest", "../tar/writer", "../tar/header", "../tar/directory", "../../lib/testing/busybox-rootfs"];

/** A digest of everything the output depends on: builder sources, busybox, the C compiler's identity. */
function inputStamp(): string {
  const h = createHash("sha256");
  for (const rel of BUILDER_SOURCES) {
    const candidates = [".ts", ".js"].map((ext) => new URL(`${rel}${ext}`, import.meta.url).pathname);
    const found = candidates.find((p) => existsSync(p));
    h.update(found === undefined ? `missing ${rel}` : readFileSync(found));
  }
  h.update(readFileSync(requireBusybox()));
  try {
    h.update(execFileSync("cc", ["--version"]));
  } catch {
    h.update("no cc");
  }
  return h.digest("hex");
}

/** Builds (or refreshes) every test image archive in `outDir`; idempotent and deterministic. */
export function buildTestImages(outDir: string = TEST_IMAGES_DIR): TestImages {
  mkdirSync(outDir, { recursive: true });
  const images: TestImages = {
    dir: outDir,
    web1: join(outDir, "demo-web-1.tar"),
    web2: join(outDir, "demo-web-2.tar"),
    broken: join(outDir, "demo-broken-1.tar"),
    unhealthy: join(outDir, "demo-unhealthy-1.tar"),
    udpEcho: join(outDir, "demo-udp-echo-1.tar"),
    web1DockerSave: join(outDir, "demo-web-1-docker.tar"),
    rootfs: join(outDir, "rootfs.tar"),
  };
  // Up to date when every output exists and was built from the same inputs.
  const stampFile = join(outDir, ".stamp");
  const stamp = inputStamp();
  const { dir: _dir, ...outputs } = images;
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && Object.values<string>(outputs).every((p) => existsSync(p))) {
    return images;
  }
  const work = mkdtempSync(join(tmpdir(), "swarm-test-images-"));
  try {
    const { specs, rootfsTar } = testImageSpecs(work);
    writeIfChanged(images.web1, buildOciArchive([specs.web1]));
    writeIfChanged(images.web2, buildOciArchive([specs.web2]));
    writeIfChanged(images.broken, buildOciArchive([specs.broken]));
    writeIfChanged(images.unhealthy, buildOciArchive([specs.unhealthy]));
    writeIfChanged(images.udpEcho, buildOciArchive([specs.udpEcho]));
    writeIfChanged(images.web1DockerSave, buildDockerSaveArchive(specs.web1));
    writeIfChanged(images.rootfs, rootfsTar);
    writeIfChanged(stampFile, Buffer.from(stamp));
    return images;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
