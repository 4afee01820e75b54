/** The userspace routing mesh: public surface. */
export { Mesh, MAX_MESH_RELAYS, defaultMeshRelays, resolveMeshOptions } from "./mesh.js";
export type { FeedEnd, FeedState, ListenerInfo, MeshOptions, ResolvedMeshOptions } from "./mesh.js";
export * from "./types.js";
export * from "./errors.js";
export { findPublishedPortConflicts, assertNoPublishedPortConflicts } from "../spec/port-conflicts.js";
export type { PublishedPortsOf } from "../spec/port-conflicts.js";
export { encodeProxyV1, encodeProxyV2, encodeProxyV2Local, PROXY_V2_SIGNATURE } from "./proxy-protocol.js";
export { pickBackend, newBalancerState } from "./balancer.js";
export { BackendTable, validateServiceRoutes } from "./table.js";
