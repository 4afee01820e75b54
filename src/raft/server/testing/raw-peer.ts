/**
 * A Raft peer as an attacker (or a test) makes one: a bare `swarm.raft.Raft/Send` client stream that
 * writes the given messages, whatever they claim, and reports what the server answered. Also the
 * node certificates such tests need, issued by a real cluster CA.
 */
import * as grpc from "@grpc/grpc-js";
import type { ProtoGrpcType } from "../../../gen/raft.js";
import type { Message } from "../../../gen/swarm/raft/Message.js";
import { loadProto } from "../../../lib/proto.js";
import { createNodeKeyAndCsr, signNodeCertificate, type NodeRole, type RootCA } from "../../../ca/certs.js";
import type { TlsIdentity } from "../../../ca/tls.js";

/** What the server answered: ok, or the gRPC status code (by name) and details. */
export interface SendOutcome {
  readonly ok: boolean;
  readonly code: string;
  readonly details: string;
}

/** Issues a node certificate from `ca` for `nodeId` with `role`. */
export async function issueIdentity(ca: RootCA, nodeId: string, role: NodeRole, clusterId = "test-cluster"): Promise<TlsIdentity> {
  const { keyPem, csrPem } = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, csrPem, { nodeId, role, clusterId });
  return { caCertPem: ca.certPem, certPem, keyPem };
}

/**
 * Client TLS as a caller presents it: `identity` (its own CA may differ from the server's), or none
 * (only the trusted CA). The server's certificate is not checked: refusals can only come from it.
 */
export function rawPeerCredentials(caPem: string, identity?: TlsIdentity): grpc.ChannelCredentials {
  const noCheck = { checkServerIdentity: (): undefined => undefined, rejectUnauthorized: false };
  if (identity === undefined) return grpc.credentials.createSsl(Buffer.from(caPem), null, null, noCheck);
  return grpc.credentials.createSsl(Buffer.from(caPem), Buffer.from(identity.keyPem), Buffer.from(identity.certPem), noCheck);
}

/** Sends `messages` as one batch on a fresh Send stream to `addr`; resolves with the server's answer. */
export function sendRaw(addr: string, creds: grpc.ChannelCredentials, messages: Message[], options: { timeoutMs?: number; channel?: grpc.ChannelOptions } = {}): Promise<SendOutcome> {
  const proto = loadProto<ProtoGrpcType>("raft.proto");
  const client = new proto.swarm.raft.Raft(addr, creds, { "grpc.max_send_message_length": -1, ...options.channel });
  return new Promise<SendOutcome>((resolve) => {
    const stream = client.send({ deadline: Date.now() + (options.timeoutMs ?? 10_000) }, (err: grpc.ServiceError | null) => {
      client.close();
      resolve(err === null ? { ok: true, code: "OK", details: "" } : { ok: false, code: grpc.status[err.code] ?? String(err.code), details: err.details });
    });
    stream.on("error", () => undefined);
    stream.write({ messages });
    stream.end();
  });
}
