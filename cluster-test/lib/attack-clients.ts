/**
 * gRPC clients as an attacker makes them, from the test process (the root namespace reaches every
 * harness host through the bridge): with a node's real identity (current or kept from when it was a
 * manager), with no client certificate, or with a self-signed certificate that claims any role.
 */
import { credentials, Metadata, type ChannelCredentials, type Client, type ServiceError } from "@grpc/grpc-js";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate } from "../../src/ca/certs.js";
import type { Identity } from "./attacks.js";

/** Who the attacker claims to be. */
export type Caller = { readonly kind: "identity"; readonly identity: Identity } | { readonly kind: "none"; readonly ca: Buffer } | { readonly kind: "self-signed"; readonly identity: Identity };

/** An identity from a CA the attacker made: `role` in the OU, any node id and cluster id. */
export async function selfSignedIdentity(role: "manager" | "worker", nodeId = "attacker", clusterId = "attacker"): Promise<Identity> {
  const ca = await createRootCA();
  const { keyPem, csrPem } = await createNodeKeyAndCsr();
  const cert = await signNodeCertificate(ca, csrPem, { nodeId, role, clusterId });
  return { ca: Buffer.from(ca.certPem), cert: Buffer.from(cert), key: Buffer.from(keyPem) };
}

/**
 * Channel credentials for `caller`. The server's certificate is not checked beyond the handshake (an
 * attacker does not care who answers), so a refusal can only come from the server.
 */
export function callerCredentials(caller: Caller): ChannelCredentials {
  const noCheck = { checkServerIdentity: () => undefined };
  switch (caller.kind) {
    case "none":
      return credentials.createSsl(caller.ca, null, null, noCheck);
    case "identity":
    case "self-signed":
      // A self-signed caller still has to accept the real server: trust it without verification.
      return credentials.createSsl(caller.kind === "identity" ? caller.identity.ca : null, caller.identity.key, caller.identity.cert, { ...noCheck, rejectUnauthorized: false });
  }
}

/** Channel options for a manager's port: the SAN the manager's certificate carries. */
export const ATTACK_CHANNEL_OPTIONS = { "grpc.ssl_target_name_override": "swarm-manager", "grpc.default_authority": "swarm-manager" } as const;

/** Calls a unary method and resolves with its error (undefined on success). */
export function unaryError(client: Client, method: string, request: unknown, timeoutMs = 10_000): Promise<ServiceError | undefined> {
  const fn = (client as unknown as Record<string, (req: unknown, md: unknown, opts: unknown, cb: (err: ServiceError | null) => void) => void>)[method];
  if (fn === undefined) throw new Error(`client has no method ${method}`);
  return new Promise((resolve) => fn.call(client, request, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err) => resolve(err ?? undefined)));
}
