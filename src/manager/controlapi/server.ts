/**
 * gRPC shell of the Control service (proto/control.proto). Every handler first runs the server's
 * `authorize` policy: on the daemon's root-only unix socket every caller is trusted; on the TCP
 * listener the caller must be a current manager by the store (../authz/authz.ts): a worker's, a demoted
 * node's or a removed node's certificate gets PERMISSION_DENIED.
 */
import type { Server, ServerUnaryCall, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { ControlHandlers } from "../../gen/swarm/control/Control.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import { toServiceError, unaryHandler } from "../../rpc/grpc.js";
import { ErrorCode, SwarmError } from "../../lib/errors.js";
import type { Store } from "../../store/store.js";
import { clusterOf } from "../../ca/issuer.js";
import type { AuthenticatedCall } from "../../ca/tls.js";
import { Access, authorizeCall } from "../authz/authz.js";
import { findNode, listNodes, redactCluster, removeNode, updateCluster, updateNode } from "./nodes.js";
import { resolveRef } from "./resolve.js";
import { serveWatch } from "./watch.js";
import { createService, removeService, updateService, type ImagePinner } from "./services.js";
import { protos } from "../../rpc/services.js";

/** Decides whether a call may use the control API; throws PermissionDenied otherwise. */
export type Authorize = (call: AuthenticatedCall) => void;

/** Policy of the TCP listener: current managers only, as `store` says now (not as their certificate says). */
export function managersOnly(store: Store): Authorize {
  return (call) => {
    authorizeCall(store, call, Access.Manager);
  };
}

/** Policy of the root-only unix socket: the file mode already restricted callers to root. */
export const localSocket: Authorize = () => undefined;

function guarded<Req, Res>(authorize: Authorize, fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return unaryHandler<Req, Res>(async (req, call) => {
    authorize(call);
    return fn(req, call);
  });
}

/** Fills in live fields of a node (e.g. which manager leads now) before it is returned. */
export type NodeView = (node: Node__Output) => Node__Output;

/** What the Control service needs besides the store. */
export interface ControlOptions {
  /** Live node fields (leader, reachability); identity by default. */
  readonly view?: NodeView;
  /** Pins service images to digests; without it service writes are refused. */
  readonly pin?: ImagePinner;
}

/** Handlers of the Control service over a store. */
export function controlHandlers(store: Store, authorize: Authorize, options: ControlOptions = {}): Partial<ControlHandlers> {
  const view = options.view ?? ((n: Node__Output) => n);
  const pin: ImagePinner =
    options.pin ??
    (() => {
      throw new SwarmError(ErrorCode.FailedPrecondition, "this manager has no image store to pin service images");
    });
  return {
    GetNode: guarded(authorize, async (req) => ({ node: view(findNode(store, req.nodeId)) })),
    ListNodes: guarded(authorize, async (req) => ({ nodes: listNodes(store, req.filters).map(view) })),
    UpdateNode: guarded(authorize, async (req) => ({ node: await updateNode(store, req.nodeId, req.nodeVersion, req.spec) })),
    RemoveNode: guarded(authorize, async (req) => {
      await removeNode(store, req.nodeId, req.force);
      return {};
    }),
    GetCluster: guarded(authorize, async (req) => {
      const cluster = store.view(clusterOf);
      if (req.clusterId !== "" && req.clusterId !== cluster.id) throw new SwarmError(ErrorCode.NotFound, `cluster ${req.clusterId} not found`);
      return { cluster: redactCluster(cluster) };
    }),
    ListClusters: guarded(authorize, async () => ({ clusters: store.view((tx) => tx.list("cluster")).map(redactCluster) })),
    UpdateCluster: guarded(authorize, async (req) => ({
      cluster: redactCluster(await updateCluster(store, req.clusterVersion, req.spec, req.rotation ?? { workerJoinToken: false, managerJoinToken: false })),
    })),
    GetService: guarded(authorize, async (req) => ({
      service: store.view((tx) => resolveRef("service", tx.list("service"), req.serviceId, (s) => s.spec?.annotations?.name ?? "")),
    })),
    ListServices: guarded(authorize, async () => ({ services: store.view((tx) => tx.list("service")) })),
    CreateService: guarded(authorize, async (req) => ({ service: await createService(store, req.spec, pin) })),
    UpdateService: guarded(authorize, async (req) => ({
      service: await updateService(store, req.serviceId, req.serviceVersion, req.spec, req.rollback, pin),
    })),
    RemoveService: guarded(authorize, async (req) => {
      await removeService(store, req.serviceId);
      return {};
    }),
    GetTask: guarded(authorize, async (req) => ({ task: store.view((tx) => resolveRef("task", tx.list("task"), req.taskId, () => "")) })),
    Watch: (call) => {
      try {
        authorize(call);
      } catch (err) {
        call.emit("error", toServiceError(err));
        return;
      }
      void serveWatch(store, call, view);
    },
    ListTasks: guarded(authorize, async (req) => {
      const f = req.filters;
      const tasks = store.view((tx) => tx.list("task"));
      return {
        tasks: f == null ? tasks : tasks.filter(
          (t) =>
            (f.serviceIds.length === 0 || f.serviceIds.includes(t.serviceId)) &&
            (f.nodeIds.length === 0 || f.nodeIds.includes(t.nodeId)) &&
            (f.desiredStates.length === 0 || f.desiredStates.includes(t.desiredState)) &&
            (f.idPrefixes.length === 0 || f.idPrefixes.some((p) => t.id.startsWith(p))),
        ),
      };
    }),
  };
}

/** Adds the Control service to a server with an authorization policy. */
export function addControlService(server: Server, store: Store, authorize: Authorize, options: ControlOptions = {}): void {
  server.addService(protos.control.Control.service, controlHandlers(store, authorize, options) as UntypedServiceImplementation);
}

