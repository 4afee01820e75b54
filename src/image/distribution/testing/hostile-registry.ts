/**
 * Test support: a registry that attacks its client (Distribution API v2 paths on a real loopback or netns
 * HTTP server). Each repository name is one attack:
 * - `huge`:      a manifest with `Content-Length: 3221225472` whose body is streamed (one reused 64 KiB
 *                buffer, never allocated whole) until the client hangs up;
 * - `endless`:   a chunked manifest without Content-Length that never ends;
 * - `errbody`:   HTTP 500 with an endless error body;
 * - `stall`:     a valid manifest whose layer blob sends its headers and 1000 bytes, then nothing;
 * - `realm`:     401 with `Bearer realm=<realm>` (the `realm` option, e.g. a collector on another host);
 * - `hugetoken`: 401 with a realm on this server whose token answer never ends.
 * It counts the bytes it sent and whether the client closed the connection, so a test can assert the
 * client stopped early instead of trusting an error message.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** What one request saw. */
export interface HostileRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  /** Bytes of body sent before the response ended or the client hung up. */
  bytesSent: number;
  /** True when the client closed the connection before the body was complete. */
  clientClosed: boolean;
}

/** A running hostile registry. */
export interface HostileRegistry {
  readonly url: string;
  readonly hostPort: string;
  readonly requests: HostileRequest[];
  /** The layer digest `stall` stalls on. */
  readonly stallDigest: string;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 << 10, 0x20);
const HUGE = 3 * 1024 * 1024 * 1024;
const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** Writes CHUNK until `total` bytes (or forever) or the client hangs up, honouring backpressure. */
function stream(req: HostileRequest, res: ServerResponse, total: number): void {
  const pump = (): void => {
    while (!req.clientClosed && req.bytesSent < total) {
      const n = Math.min(CHUNK.length, total - req.bytesSent);
      req.bytesSent += n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
        res.once("drain", pump);
        return;
      }
    }
    if (!req.clientClosed) res.end();
  };
  pump();
}

/** Starts the hostile registry on `host` (default 127.0.0.1) and `port` (default: one the OS picks); `realm` is what the `realm` repository names. */
export async function startHostileRegistry(options: { host?: string; port?: number; realm?: string } = {}): Promise<HostileRegistry> {
  const host = options.host ?? "127.0.0.1";
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha256(Buffer.from("layer"))] }, config: {} }));
  const layer = Buffer.alloc(1 << 20, 1);
  const stallDigest = sha256(layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: stallDigest, size: layer.length }],
    }),
  );
  const requests: HostileRequest[] = [];
  let base = "";
  const handle = (msg: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(msg.url ?? "/", "http://x").pathname;
    const req: HostileRequest = { path, authorization: msg.headers.authorization, bytesSent: 0, clientClosed: false };
    requests.push(req);
    res.on("close", () => {
      if (!res.writableFinished) req.clientClosed = true;
    });
    const m = /^\/v2\/([^/]+)\/(manifests|blobs)\/(.+)$/.exec(path);
    const repo = m?.[1];
    if (path === "/v2/" || path === "/v2") {
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    } else if (path === "/token-huge") {
      res.writeHead(200, { "content-type": "application/json" });
      stream(req, res, Infinity);
    } else if (repo === "huge") {
      res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json", "content-length": String(HUGE) });
      stream(req, res, HUGE);
    } else if (repo === "endless") {
      res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" });
      stream(req, res, Infinity);
    } else if (repo === "errbody") {
      res.writeHead(500, { "content-type": "text/plain" });
      stream(req, res, Infinity);
    } else if (repo === "realm" || repo === "hugetoken") {
      const realm = repo === "realm" ? (options.realm ?? `${base}/token`) : `${base}/token-huge`;
      res.writeHead(401, { "www-authenticate": `Bearer realm="${realm}",service="hostile"`, "content-type": "application/json" }).end("{}");
    } else if (repo === "stall" && m?.[2] === "manifests") {
      res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json", "content-length": String(manifest.length) }).end(manifest);
    } else if (repo === "stall" && m?.[3] === sha256(config)) {
      res.writeHead(200, { "content-length": String(config.length) }).end(config);
    } else if (repo === "stall" && m?.[3] === stallDigest) {
      res.writeHead(200, { "content-length": String(layer.length) });
      res.write(layer.subarray(0, 1000));
      req.bytesSent = 1000; // and then nothing, until the client gives up
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    }
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  const hostPort = `${host}:${port}`;
  base = `http://${hostPort}`;
  return {
    url: base,
    hostPort,
    requests,
    stallDigest,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A server that records every request's Authorization header: a token realm the attacker controls. */
export async function startCollector(host: string): Promise<{ url: string; seen: (string | undefined)[]; close(): Promise<void> }> {
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "collected" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}/token`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
