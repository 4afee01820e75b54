/**
 * The cluster's certificate authority: a root CA (ECDSA P-256), node keys and CSRs, node certificates
 * whose subject carries the node's identity and role, and their verification.
 *
 * Subject of a node certificate: `CN=<node id>, OU=swarm-manager|swarm-worker, O=<cluster id>` — the
 * OU is what every RPC checks. Issuing uses @peculiar/x509 (Node cannot issue certificates); parsing and
 * chain checks use Node's own `crypto.X509Certificate`.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { X509Certificate as NodeX509, createPrivateKey, webcrypto } from "node:crypto";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import { caDigest } from "./tokens.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC_ALG = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN_ALG = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 24 * 3600 * 1000;

/** Node roles, as carried in a certificate's OU. */
export const NodeRole = { Worker: "worker", Manager: "manager" } as const;
/** A node role. */
export type NodeRole = (typeof NodeRole)[keyof typeof NodeRole];

/** The OU written for each role. */
export const ROLE_OU: Readonly<Record<NodeRole, string>> = { worker: "swarm-worker", manager: "swarm-manager" };

/** Codes of certificate failures. */
export const CertErrorCode = {
  BadCsr: "CERT_BAD_CSR",
  BadCertificate: "CERT_BAD_CERTIFICATE",
  UntrustedIssuer: "CERT_UNTRUSTED_ISSUER",
  Expired: "CERT_EXPIRED",
  NotYetValid: "CERT_NOT_YET_VALID",
  BadRole: "CERT_BAD_ROLE",
} as const;

/** A certificate or CSR is malformed, untrusted, expired or carries no valid role. */
export class CertificateError extends SwarmError {
  constructor(code: (typeof CertErrorCode)[keyof typeof CertErrorCode], message: string, cause?: unknown) {
    super(code, message, { cause, fields: { kind: ErrorCode.PermissionDenied } });
  }
}

/** A root CA: certificate and private key in PEM, and the digest join tokens pin. */
export interface RootCA {
  readonly certPem: string;
  readonly keyPem: string;
  /** Base-36 SHA-256 of the certificate DER (see tokens.ts). */
  readonly digest: string;
}

/** Who a node certificate says its holder is. */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Creates a self-signed root CA valid for `validityDays` (default 20 years, as Docker's). */
export async function createRootCA(options: { now?: Date; validityDays?: number; commonName?: string } = {}): Promise<RootCA> {
  const now = options.now ?? new Date();
  const keys = (await webcrypto.subtle.generateKey(EC_ALG, true, ["sign", "verify"]));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${options.commonName ?? "swarm-ca"}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (options.validityDays ?? 20 * 365) * DAY_MS),
    signingAlgorithm: SIGN_ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = toPem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { certPem: cert.toString("pem"), keyPem, digest: caDigest(new Uint8Array(cert.rawData)) };
}

/** Rebuilds a RootCA from its PEM files (computes the digest). */
export function loadRootCA(certPem: string, keyPem: string): RootCA {
  const cert = parseCertificate(certPem);
  createPrivateKey(keyPem); // throws on a malformed key
  return { certPem, keyPem, digest: caDigest(cert.raw) };
}

/** Generates a node key pair (P-256) and a CSR for it; the manager decides the identity. */
export async function createNodeKeyAndCsr(): Promise<{ keyPem: string; csrPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(EC_ALG, true, ["sign", "verify"]));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=swarm-node", keys, signingAlgorithm: SIGN_ALG });
  const keyPem = toPem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { keyPem, csrPem: csr.toString("pem") };
}

/** Signs a node CSR: checks the CSR's own signature, then issues a certificate for the given identity. */
export async function signNodeCertificate(
  ca: RootCA,
  csrPem: string,
  subject: { nodeId: string; role: NodeRole; clusterId: string },
  options: { now?: Date; validityMs?: number } = {},
): Promise<string> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (err) {
    throw new CertificateError(CertErrorCode.BadCsr, "certificate request: not a PEM PKCS#10 request", err);
  }
  let signed = false;
  try {
    signed = await csr.verify();
  } catch (err) {
    throw new CertificateError(CertErrorCode.BadCsr, "certificate request: its public key or signature is malformed", err);
  }
  if (!signed) throw new CertificateError(CertErrorCode.BadCsr, "certificate request: signature does not verify");
  for (const [name, value] of Object.entries(subject)) {
    if (!/^[A-Za-z0-9._-]+$/.test(value)) throw new CertificateError(CertErrorCode.BadCsr, `certificate subject ${name}: "${value}" has characters outside [A-Za-z0-9._-]`);
  }
  const now = options.now ?? new Date();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey("pkcs8", fromPem(ca.keyPem), EC_ALG, false, ["sign"]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${subject.nodeId}, OU=${ROLE_OU[subject.role]}, O=${subject.clusterId}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (options.validityMs ?? 90 * DAY_MS)),
    signingAlgorithm: SIGN_ALG,
    publicKey: csr.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: subject.nodeId },
        { type: "dns", value: ROLE_OU[subject.role] },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return cert.toString("pem");
}

/** Reads the identity out of a node certificate without checking who issued it. */
export function parseNodeCertificate(certPem: string): NodeIdentity {
  return identityOf(parseCertificate(certPem));
}

/** Verifies a node certificate against the root CA and the clock; returns who it says the node is. */
export function verifyNodeCertificate(certPem: string, caCertPem: string, now: Date = new Date()): NodeIdentity {
  const cert = parseCertificate(certPem);
  const ca = parseCertificate(caCertPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    throw new CertificateError(CertErrorCode.UntrustedIssuer, "node certificate: not issued by this cluster's CA");
  }
  const identity = identityOf(cert);
  if (now < identity.notBefore) throw new CertificateError(CertErrorCode.NotYetValid, `node certificate: not valid before ${identity.notBefore.toISOString()}`);
  if (now > identity.notAfter) throw new CertificateError(CertErrorCode.Expired, `node certificate: expired at ${identity.notAfter.toISOString()}`);
  return identity;
}

/**
 * Reads the identity from the subject fields of a TLS peer certificate (`tlsSocket.getPeerCertificate()`),
 * which Node has already verified against the CA during the handshake.
 */
export function identityFromPeerSubject(subject: { CN?: string | string[]; OU?: string | string[]; O?: string | string[] }): {
  nodeId: string;
  role: NodeRole;
  clusterId: string;
} {
  const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
  return { nodeId: one(subject.CN), role: roleOfOu(one(subject.OU)), clusterId: one(subject.O) };
}

/**
 * True when a certificate should be renewed: past `fraction` of its lifetime (default 0.7, so a node
 * renews with 30% of the lifetime left, well before expiry).
 */
export function needsRenewal(identity: NodeIdentity, now: Date, fraction = 0.7): boolean {
  const start = identity.notBefore.getTime();
  const life = identity.notAfter.getTime() - start;
  return now.getTime() >= start + life * fraction;
}

function identityOf(cert: NodeX509): NodeIdentity {
  const fields = new Map<string, string>();
  for (const line of cert.subject.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const nodeId = fields.get("CN") ?? "";
  const clusterId = fields.get("O") ?? "";
  if (nodeId === "" || clusterId === "") {
    throw new CertificateError(CertErrorCode.BadCertificate, `node certificate: subject "${cert.subject.replace(/\n/g, ", ")}" lacks CN or O`);
  }
  return {
    nodeId,
    role: roleOfOu(fields.get("OU") ?? ""),
    clusterId,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

function roleOfOu(ou: string): NodeRole {
  if (ou === ROLE_OU.manager) return NodeRole.Manager;
  if (ou === ROLE_OU.worker) return NodeRole.Worker;
  throw new CertificateError(CertErrorCode.BadRole, `node certificate: OU "${ou}" is not ${ROLE_OU.manager} or ${ROLE_OU.worker}`);
}

function parseCertificate(pem: string): NodeX509 {
  try {
    return new NodeX509(pem);
  } catch (err) {
    throw new CertificateError(CertErrorCode.BadCertificate, "certificate: not a PEM X.509 certificate", err);
  }
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return Buffer.from(bytes).toString("hex");
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const buf = Buffer.from(b64, "base64");
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}
