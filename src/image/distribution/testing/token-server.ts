/**
 * Test support: a minimal registry token service (the Docker token-auth spec): answers
 * `GET /token?service=…&scope=…` with a JWT signed by an ES256 key whose self-signed certificate rides in
 * the `x5c` header and is the registry's `rootcertbundle`. Checks basic credentials when configured.
 */
import { execFile } from "node:child_process";
import { createPrivateKey, randomBytes, sign, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { requireTool } from "./registry-server.js";

const run = promisify(execFile);

/** A running token service. */
export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly rootCertPem: string;
  /** Scopes requested so far (to check what the client asked for). */
  readonly requests: { scope: string | null; service: string | null; user: string | null }[];
  close(): Promise<void>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

/** Starts the token service on loopback; `user` set → requests must carry those basic credentials. */
export async function startTokenServer(dir: string, user?: { username: string; password: string }): Promise<TokenServer> {
  requireTool("/usr/bin/openssl", "openssl");
  const keyFile = join(dir, "token.key");
  const certFile = join(dir, "token.crt");
  await run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=test-token-issuer", "-days", "2", "-keyout", keyFile, "-out", certFile]);
  const key = createPrivateKey(readFileSync(keyFile));
  const rootCertPem = readFileSync(certFile, "utf8");
  const der = new X509Certificate(rootCertPem).raw;
  const service = "test-registry";
  const issuer = "test-issuer";
  const requests: TokenServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization;
    const basic = auth?.startsWith("Basic ") === true ? Buffer.from(auth.slice(6), "base64").toString() : null;
    const who = basic === null ? null : basic.slice(0, basic.indexOf(":"));
    requests.push({ scope: u.searchParams.get("scope"), service: u.searchParams.get("service"), user: who });
    if (user !== undefined && basic !== `${user.username}:${user.password}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"details":"bad credentials"}');
      return;
    }
    const scope = u.searchParams.get("scope") ?? "";
    const [type, name, actions] = scope.split(":");
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: "JWT", alg: "ES256", x5c: [der.toString("base64")] };
    const claims = {
      iss: issuer,
      sub: who ?? "",
      aud: u.searchParams.get("service") ?? "",
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString("hex"),
      access: type === undefined || name === undefined ? [] : [{ type, name, actions: (actions ?? "").split(",").filter((a) => a !== "") }],
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `${input}.${b64url(sig)}`, expires_in: 300 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertPem,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
