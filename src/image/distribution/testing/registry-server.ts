/**
 * Test support: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a temporary config and
 * filesystem storage, optionally behind htpasswd basic auth or bearer tokens; and `skopeo copy` to push
 * test archives into it. Missing tools fail with the package to install.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Throws naming the Debian package when a tool is missing. */
export function requireTool(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install Debian package ${pkg} (apt-get install ${pkg})`);
}

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** How the registry authenticates. */
export type RegistryAuthMode =
  | { readonly kind: "none" }
  | { readonly kind: "htpasswd"; readonly username: string; readonly password: string }
  | { readonly kind: "token"; readonly realm: string; readonly service: string; readonly issuer: string; readonly rootCertPem: string };

/** A running registry. */
export interface TestRegistry {
  readonly url: string;
  readonly hostPort: string;
  stop(): Promise<void>;
}

/** Starts docker-registry under `dir` and waits until /v2/ answers. */
export async function startRegistry(dir: string, auth: RegistryAuthMode = { kind: "none" }): Promise<TestRegistry> {
  requireTool("/usr/bin/docker-registry", "docker-registry");
  mkdirSync(join(dir, "storage"), { recursive: true });
  const port = await freePort();
  const lines = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "storage")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    `  secret: test-secret-${port}`,
  ];
  if (auth.kind === "htpasswd") {
    requireTool("/usr/bin/htpasswd", "apache2-utils");
    const file = join(dir, "htpasswd");
    const { stdout } = await run("/usr/bin/htpasswd", ["-nbB", auth.username, auth.password]);
    writeFileSync(file, stdout.trim() + "\n");
    lines.push("auth:", "  htpasswd:", "    realm: test-realm", `    path: ${file}`);
  } else if (auth.kind === "token") {
    const bundle = join(dir, "token-root.pem");
    writeFileSync(bundle, auth.rootCertPem);
    lines.push("auth:", "  token:", `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${bundle}`);
  }
  const config = join(dir, "config.yml");
  writeFileSync(config, lines.join("\n") + "\n");
  const child: ChildProcess = spawn("/usr/bin/docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`docker-registry did not answer on ${url} within 15 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    hostPort: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * `skopeo copy oci-archive:<archive> docker://<hostPort>/<ref>` over plain HTTP; `format: "v2s2"` converts
 * the manifest to Docker v2 schema 2 on the way.
 */
export async function skopeoPush(archive: string, hostPort: string, ref: string, options: { creds?: string; format?: "oci" | "v2s2" } = {}): Promise<void> {
  requireTool("/usr/bin/skopeo", "skopeo");
  const args = [
    "--insecure-policy",
    "copy",
    "--quiet",
    "--dest-tls-verify=false",
    ...(options.creds === undefined ? [] : ["--dest-creds", options.creds]),
    ...(options.format === undefined ? [] : ["--format", options.format]),
    `oci-archive:${archive}`,
    `docker://${hostPort}/${ref}`,
  ];
  try {
    await run("/usr/bin/skopeo", args, { timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`skopeo ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
  }
}
