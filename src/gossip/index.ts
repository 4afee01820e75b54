/**
 * Gossip membership (SWIM + Lifeguard): the public surface for swarmd and the mesh.
 * See design/gossip.md.
 */
export { GossipNode, MAX_TCP_FRAME_BYTES, MAX_UDP_BYTES, type GossipMetrics, type GossipNodeOptions, type TransportCounters } from "./node.js";
export { GossipCore } from "./core.js";
export { LAN_TUNING, LOCAL_TUNING, Profile, type CoreOptions, type GossipTuning } from "./config.js";
export { Keyring, KeyringError, KeyringErrorCode } from "./keyring.js";
export { MemberStatus, type CoreOutput, type GossipEvent, type GossipEventType, type Member, type TcpPingOutcome } from "./types.js";
