// The transmit-limited queue: newer news about a member replaces older, least-sent first, limits.
import { describe, expect, it } from "vitest";
import { BroadcastQueue } from "./broadcast-queue.js";
import type { GossipMessage } from "../gen/swarm/gossip/GossipMessage.js";

const alive = (node: string, incarnation: number): GossipMessage => ({ alive: { node, incarnation, addr: "10.0.0.1:1" } });

describe("broadcast queue", () => {
  it("replaces a queued message about the same member", () => {
    const q = new BroadcastQueue();
    q.enqueue("a", alive("a", 1), 30);
    q.enqueue("b", alive("b", 1), 30);
    q.enqueue("a", alive("a", 2), 30);
    expect(q.length).toBe(2);
    const taken = q.take(1000, 3);
    expect(taken.map((m) => `${m.alive?.node}${m.alive?.incarnation}`).sort()).toEqual(["a2", "b1"]);
  });

  it("sends each message at most `limit` times, least-transmitted first, within the byte budget", () => {
    const q = new BroadcastQueue();
    q.enqueue("a", alive("a", 1), 40);
    expect(q.take(1000, 2)).toHaveLength(1);
    q.enqueue("b", alive("b", 1), 40);
    // Budget for one: the fresh message wins over the once-sent one.
    expect(q.take(50, 2).map((m) => m.alive?.node)).toEqual(["b"]);
    expect(q.take(1000, 2).map((m) => m.alive?.node).sort()).toEqual(["a", "b"]);
    expect(q.length).toBe(0);
    expect(q.take(1000, 2)).toEqual([]);
  });

  it("keeps unkeyed messages (user messages) side by side and can invalidate a member", () => {
    const q = new BroadcastQueue();
    q.enqueue(undefined, { user: { origin: "x", id: 1 } }, 20);
    q.enqueue(undefined, { user: { origin: "x", id: 2 } }, 20);
    q.enqueue("a", alive("a", 1), 20);
    q.invalidate("a");
    expect(q.length).toBe(2);
  });
});
