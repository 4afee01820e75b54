/**
 * mTLS for node↔node gRPC, and the caller's identity inside a handler.
 *
 * Servers verify a client certificate *if one is given* (TLS `requestCert` without rejecting): the
 * join RPCs must be callable before a node has a certificate, and every other RPC refuses callers
 * without a verified one (see {@link callerIdentity}). grpc-js exposes the peer certificate only when
 * the TLS layer verified it against our CA, so a self-made certificate never reaches a handler.
 * Identities are served by an in-memory {@link TlsIdentityProvider}, so a renewed certificate is
 * picked up by new connections without restarting the server.
 */
import { experimental, type ChannelCredentials, type ServerCredentials } from "@grpc/grpc-js";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import { identityFromPeerSubject, ROLE_OU, type NodeRole } from "./certs.js";

/** What a handler needs of a gRPC call to know its caller (every grpc-js server call has it). */
export interface AuthenticatedCall {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate } | null;
}

type CaListener = experimental.CaCertificateUpdateListener;
type IdListener = experimental.IdentityCertificateUpdateListener;

/** A node's TLS material: its key and certificate, and the cluster CA it trusts. */
export interface TlsIdentity {
  readonly caCertPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** In-memory certificate provider: `update()` swaps the identity for new connections (renewal). */
export class TlsIdentityProvider implements experimental.CertificateProvider {
  private identity: TlsIdentity;
  private readonly caListeners = new Set<CaListener>();
  private readonly idListeners = new Set<IdListener>();

  constructor(identity: TlsIdentity) {
    this.identity = identity;
  }

  /** The identity new connections use. */
  get current(): TlsIdentity {
    return this.identity;
  }

  /** Replaces the identity (after renewal or CA rotation). */
  update(identity: TlsIdentity): void {
    this.identity = identity;
    for (const l of this.caListeners) l({ caCertificate: Buffer.from(identity.caCertPem) });
    for (const l of this.idListeners) l({ certificate: Buffer.from(identity.certPem), privateKey: Buffer.from(identity.keyPem) });
  }

  // The first update is delivered asynchronously: grpc-js registers its own watcher only after adding
  // these listeners, so a synchronous first call would be lost and the server would drop connections.
  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    setImmediate(() => {
      if (this.caListeners.has(listener)) listener({ caCertificate: Buffer.from(this.identity.caCertPem) });
    });
  }
  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }
  addIdentityCertificateListener(listener: IdListener): void {
    this.idListeners.add(listener);
    setImmediate(() => {
      if (this.idListeners.has(listener)) listener({ certificate: Buffer.from(this.identity.certPem), privateKey: Buffer.from(this.identity.keyPem) });
    });
  }
  removeIdentityCertificateListener(listener: IdListener): void {
    this.idListeners.delete(listener);
  }
}

/** Server credentials: our certificate; client certificates verified against the CA when given. */
export function serverCredentials(provider: TlsIdentityProvider): ServerCredentials {
  return experimental.createCertificateProviderServerCredentials(provider, provider, false);
}

/**
 * Server credentials for manager-to-manager ports (Raft): the TLS handshake itself refuses a client
 * without a certificate signed by the cluster CA. Unlike {@link serverCredentials} nothing on these
 * ports is callable before a node has its certificate, so there is no reason to let one in.
 */
export function peerServerCredentials(provider: TlsIdentityProvider): ServerCredentials {
  return experimental.createCertificateProviderServerCredentials(provider, provider, true);
}

/**
 * Channel credentials to reach a manager: presents our certificate, verifies the server against the CA,
 * and requires the server's certificate to name the manager role (SAN `swarm-manager`; use
 * {@link MANAGER_TARGET_OPTIONS} as channel options).
 */
export function managerChannelCredentials(provider: TlsIdentityProvider): ChannelCredentials {
  // The chain is verified against the CA as usual; instead of the dialled host name (an IP that no
  // node certificate names), the server's certificate must carry the manager role's SAN.
  return experimental.createCertificateProviderChannelCredentials(provider, provider, {
    checkServerIdentity: (_host, cert) => checkServerIdentity(ROLE_OU.manager, cert),
  });
}

/** Channel options that make TLS check the server certificate's SAN for the manager role. */
export const MANAGER_TARGET_OPTIONS = { "grpc.ssl_target_name_override": ROLE_OU.manager, "grpc.default_authority": ROLE_OU.manager } as const;

/** The caller is unauthenticated or lacks the role an RPC needs. */
export class PermissionDeniedError extends SwarmError {
  constructor(message: string) {
    super(ErrorCode.PermissionDenied, message);
  }
}

/** Who called: from the verified client certificate of the call's TLS connection. */
export interface CallerIdentity {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
}

/** The verified caller of a call, or undefined when it presented no (valid) certificate. */
export function callerIdentity(call: AuthenticatedCall): CallerIdentity | undefined {
  const cert = call.getAuthContext()?.sslPeerCertificate;
  if (cert === undefined) return undefined;
  return identityFromPeerSubject(cert.subject);
}

/**
 * Requires a verified caller with one of `roles` (in `clusterId` when given); throws
 * {@link PermissionDeniedError} with a message that says what was missing.
 */
export function requireRole(call: AuthenticatedCall, roles: readonly NodeRole[], clusterId?: string): CallerIdentity {
  const who = callerIdentity(call);
  if (who === undefined) throw new PermissionDeniedError("this call needs a node certificate issued by the cluster CA");
  if (clusterId !== undefined && who.clusterId !== clusterId) {
    throw new PermissionDeniedError(`node ${who.nodeId} belongs to cluster ${who.clusterId}, not ${clusterId}`);
  }
  if (!roles.includes(who.role)) {
    throw new PermissionDeniedError(`node ${who.nodeId} has role ${who.role}; this call needs ${roles.join(" or ")}`);
  }
  return who;
}
