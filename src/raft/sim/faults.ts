/**
 * What disturbs the simulated cluster besides the network's own faults: members crash (any member,
 * or the leader by its own rate) and restart when due, partitions come and go, and an operator asks
 * the leader for membership changes (add a fresh member as learner or voter, promote or remove a
 * learner, remove or demote a voter) and leadership transfers.
 */
import { ConfChangeType, ProposalDroppedError, StateType } from "../core/index.js";
import type { FaultyNetwork } from "./faulty-network.js";
import { crashMember, startMember } from "./member.js";
import type { SimWorld } from "./world.js";

/** One tick of faults: restarts that are due, crashes, and a partition made or healed. */
export function injectFaults(w: SimWorld, net: FaultyNetwork): void {
  const p = w.params;
  for (const n of w.nodes.values()) {
    if (n.node === undefined) {
      if (w.now >= n.restartAt) {
        w.log(`restart ${n.id}`);
        startMember(w, n);
        w.checkAll();
      }
    } else if (w.rng.chance(p.crashRate)) {
      crashMember(w, n, "between steps");
    } else if (n.node.raft.state === StateType.Leader && w.rng.chance(p.leaderCrashRate)) {
      crashMember(w, n, "leader, between steps");
    }
  }
  if (w.rng.chance(p.partitionRate)) {
    if (!net.partitioned) {
      const sides = new Map<number, number>();
      for (const id of w.nodes.keys()) sides.set(id, w.rng.int(0, 1));
      net.split(sides);
      w.log(`partition ${JSON.stringify([...sides])}`);
    } else {
      net.heal();
      w.log("heal");
    }
  }
}

/** The operator: membership changes and leadership transfers, proposed to a random leader. */
export class AdminActions {
  /** Ids that were ever members or proposed as one: a removed member never comes back. */
  private readonly usedIds: Set<number>;

  constructor(
    private readonly w: SimWorld,
    initialVoters: readonly number[],
  ) {
    this.usedIds = new Set(initialVoters);
  }

  /** One tick of the operator (each action happens with its rate from the parameters). */
  step(): void {
    const w = this.w;
    const leader = w.anyLeader();
    if (leader?.node === undefined) return;
    if (w.rng.chance(w.params.confChangeRate)) {
      const cs = leader.confState;
      const fresh = [...w.nodes.keys()].filter((id) => !this.usedIds.has(id));
      const choices: { type: ConfChangeType; nodeId: number }[] = [];
      const f = w.rng.pick(fresh);
      if (f !== undefined) {
        choices.push({ type: ConfChangeType.CONF_ADD_LEARNER, nodeId: f }, { type: ConfChangeType.CONF_ADD_VOTER, nodeId: f });
      }
      const l = w.rng.pick(cs.learners);
      if (l !== undefined) {
        choices.push({ type: ConfChangeType.CONF_ADD_VOTER, nodeId: l }, { type: ConfChangeType.CONF_REMOVE_NODE, nodeId: l });
      }
      const v = w.rng.pick(cs.voters);
      if (v !== undefined && cs.voters.length > 2) choices.push({ type: ConfChangeType.CONF_REMOVE_NODE, nodeId: v });
      if (v !== undefined && cs.voters.length > 3) choices.push({ type: ConfChangeType.CONF_ADD_LEARNER, nodeId: v });
      const cc = w.rng.pick(choices);
      if (cc !== undefined) {
        try {
          leader.node.proposeConfChange({ ...cc, context: Buffer.alloc(0) });
          this.usedIds.add(cc.nodeId);
          w.log(`propose conf ${cc.type} ${cc.nodeId} at ${leader.id}`);
        } catch (err) {
          if (!(err instanceof ProposalDroppedError)) throw err;
        }
        w.settle(leader);
      }
    }
    if (leader.node !== undefined && w.rng.chance(w.params.transferRate)) {
      const to = w.rng.pick(leader.confState.voters);
      if (to !== undefined) {
        w.log(`transfer ${leader.id} → ${to}`);
        leader.node.transferLeadership(to);
        w.settle(leader);
      }
    }
  }
}
