import { describe, expect, it } from "vitest";
import { ValidationError } from "../../lib/errors.js";
import { decodeProposal, encodeProposal } from "./envelope.js";
import { MAX_MEMBER_ID, resolveServerOptions, type RaftServerOptions } from "./options.js";

const stateMachine = { apply: () => undefined, snapshot: () => Buffer.alloc(0), restore: () => undefined };

function options(over: Partial<RaftServerOptions<undefined>>): RaftServerOptions<undefined> {
  return { id: 1, dataDir: "/nonexistent", listen: "127.0.0.1:0", peers: new Map([[1, "127.0.0.1:1"]]), stateMachine, ...over };
}

describe("member ids agree with the u32 proposal envelope", () => {
  it("accepts ids up to 2^32 - 1 and round-trips them through the envelope", () => {
    const o = resolveServerOptions(options({ id: MAX_MEMBER_ID, peers: new Map([[MAX_MEMBER_ID, "a:1"]]), nonce: MAX_MEMBER_ID }));
    const { id } = decodeProposal(encodeProposal({ proposer: o.id, nonce: o.nonce, seq: 7 }, Buffer.from("p")));
    expect(id).toEqual({ proposer: MAX_MEMBER_ID, nonce: MAX_MEMBER_ID, seq: 7 });
  });

  it("refuses a larger id (or a bad nonce, peer or bootstrap id) with the field and value", () => {
    const big = MAX_MEMBER_ID + 1;
    expect(() => resolveServerOptions(options({ id: big }))).toThrow(ValidationError);
    expect(() => resolveServerOptions(options({ id: big }))).toThrow(`raft.id: ${big} is not a member id (an integer from 1 to ${MAX_MEMBER_ID}`);
    expect(() => resolveServerOptions(options({ peers: new Map([[1, "a:1"], [big, "b:1"]]) }))).toThrow(`raft.peers: ${big} is not a member id`);
    expect(() => resolveServerOptions(options({ bootstrap: [1, big], peers: new Map([[1, "a:1"], [big, "b:1"]]) }))).toThrow(/raft\.(peers|bootstrap\[\]): 4294967296 is not a member id/);
    expect(() => resolveServerOptions(options({ nonce: -1 }))).toThrow("raft.nonce: -1 is not an integer from 0 to 4294967295");
    expect(() => resolveServerOptions(options({ id: 0 }))).toThrow("raft.id: 0 is not a member id");
  });

  it("the envelope refuses a proposer id that does not fit instead of truncating it", () => {
    expect(() => encodeProposal({ proposer: 2 ** 32 + 1, nonce: 0, seq: 0 }, Buffer.alloc(0))).toThrow(
      "raft proposal envelope: proposer 4294967297 does not fit a u32",
    );
  });
});
