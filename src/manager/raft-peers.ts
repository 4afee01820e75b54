/**
 * The Raft server's view of node ids ↔ Raft ids, read from the replicated store: a manager's
 * managerStatus.raftId (written by RaftMembership.Join, cleared on demotion; a removed node is deleted).
 */
import type { PeerDirectory } from "../raft/server/peer-auth.js";
import type { Store } from "../store/store.js";

/** A PeerDirectory over the store (see src/raft/server/peer-auth.ts for how it is used). */
export function storePeerDirectory(store: Store): PeerDirectory {
  return {
    raftIdOfNode: (nodeId) =>
      store.view((tx) => {
        const node = tx.get("node", nodeId);
        if (node === undefined) return undefined;
        if (node.role !== "MANAGER") return null;
        // A manager whose Join has not written its Raft id yet: no binding either way.
        const raftId = node.managerStatus?.raftId ?? 0;
        return raftId > 0 ? raftId : undefined;
      }),
    nodeOfRaftId: (raftId) => store.view((tx) => tx.list("node").find((n) => n.managerStatus?.raftId === raftId)?.id),
  };
}
