/** gRPC shell of the NodeCA service (proto/ca.proto) over {@link NodeCertificateIssuer}. */
import type { Server } from "@grpc/grpc-js";
import type { NodeCAHandlers } from "../gen/swarm/ca/NodeCA.js";
import type { IssueNodeCertificateResponse } from "../gen/swarm/ca/IssueNodeCertificateResponse.js";
import { unaryHandler } from "../rpc/grpc.js";
import { NodeRole } from "./certs.js";
import type { IssuedCertificate, NodeCertificateIssuer } from "./issuer.js";
import { requireRole } from "./tls.js";
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

/** Handlers of the NodeCA service. */
export function nodeCAHandlers(issuer: NodeCertificateIssuer): NodeCAHandlers {
  return {
    GetRootCACertificate: unaryHandler(async () => ({ certificate: Buffer.from(issuer.caCertPem()) })),
    IssueNodeCertificate: unaryHandler(async (req) =>
      toResponse(await issuer.issue({ csrPem: req.csr.toString(), token: req.token, hostname: req.hostname, addr: req.addr })),
    ),
    RenewNodeCertificate: unaryHandler(async (req, call) => {
      const caller = requireRole(call, [NodeRole.Worker, NodeRole.Manager]);
      return toResponse(await issuer.renew(caller.nodeId, req.csr.toString()));
    }),
  };
}

/** Adds the NodeCA service to a server. */
export function addNodeCAService(server: Server, issuer: NodeCertificateIssuer): void {
  server.addService(protos.ca.NodeCA.service, nodeCAHandlers(issuer));
}
