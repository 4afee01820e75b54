/**
 * gRPC shell of the NodeCA service (proto/ca.proto) over {@link NodeCertificateIssuer}. Joining needs
 * only a token; renewing needs the caller to be a current member, which the manager decides from its
 * store (src/manager/authz.ts) and passes in as `authorizeMember`.
 */
import type { Server } from "@grpc/grpc-js";
import type { NodeCAHandlers } from "../gen/swarm/ca/NodeCA.js";
import type { IssueNodeCertificateResponse } from "../gen/swarm/ca/IssueNodeCertificateResponse.js";
import { unaryHandler } from "../rpc/grpc.js";
import { validateNodeAddr } from "../lib/addr.js";
import { NodeRole } from "./certs.js";
import type { IssuedCertificate, NodeCertificateIssuer } from "./issuer.js";
import type { AuthenticatedCall, CallerIdentity } from "./tls.js";
import { protos } from "../rpc/services.js";

function toResponse(issued: IssuedCertificate): IssueNodeCertificateResponse {
  return {
    nodeId: issued.nodeId,
    certificate: Buffer.from(issued.certPem),
    caCertificate: Buffer.from(issued.caCertPem),
    role: issued.role === NodeRole.Manager ? "MANAGER" : "WORKER",
    clusterId: issued.clusterId,
  };
}

/** Returns the caller if it is a current member of the cluster; throws PermissionDenied otherwise. */
export type AuthorizeMember = (call: AuthenticatedCall) => CallerIdentity;

/** Handlers of the NodeCA service. */
export function nodeCAHandlers(issuer: NodeCertificateIssuer, authorizeMember: AuthorizeMember): NodeCAHandlers {
  return {
    GetRootCACertificate: unaryHandler(async () => ({ certificate: Buffer.from(issuer.caCertPem()) })),
    IssueNodeCertificate: unaryHandler(async (req) => {
      // The address becomes the node's overlay address on every node (see validateNodeAddr).
      validateNodeAddr("addr", req.addr);
      return toResponse(await issuer.issue({ csrPem: req.csr.toString(), token: req.token, hostname: req.hostname, addr: req.addr }));
    }),
    RenewNodeCertificate: unaryHandler(async (req, call) => {
      const caller = authorizeMember(call);
      return toResponse(await issuer.renew(caller.nodeId, req.csr.toString()));
    }),
  };
}

/** Adds the NodeCA service to a server. */
export function addNodeCAService(server: Server, issuer: NodeCertificateIssuer, authorizeMember: AuthorizeMember): void {
  server.addService(protos.ca.NodeCA.service, nodeCAHandlers(issuer, authorizeMember));
}
