import { describe, it, expect } from "vitest";
import type { Message__Output } from "../../gen/swarm/raft/Message.js";
import { implausibleField } from "./bounds.js";

const base: Message__Output = { type: "MSG_APP", to: 1, from: 2, term: 5, logTerm: 4, index: 10, entries: [], commit: 9, snapshot: null, reject: false, rejectHint: 0, context: Buffer.alloc(0) };
const entry = (term: number, index: number): Message__Output["entries"][number] => ({ term, index, type: "ENTRY_NORMAL", data: Buffer.alloc(0) });

describe("implausibleField", () => {
  it("accepts ordinary values up to 2^53 - 1", () => {
    expect(implausibleField(base)).toBeNull();
    expect(implausibleField({ ...base, term: Number.MAX_SAFE_INTEGER, entries: [entry(Number.MAX_SAFE_INTEGER, 11)] })).toBeNull();
  });
  it.each([
    ["term", { term: 2 ** 60 }, `term ${2 ** 60}`],
    ["commit", { commit: 2 ** 53 }, `commit ${2 ** 53}`],
    ["index", { index: 2 ** 64 }, `index ${2 ** 64}`],
    ["from", { from: -1 }, "from -1"],
    ["an entry's index", { entries: [entry(5, 11), entry(5, 2 ** 55)] }, `entries[1].index ${2 ** 55}`],
    ["an unknown entry type", { entries: [{ ...entry(5, 11), type: 7 }] }, "entries[0].type 7 is not a known entry type"],
    ["a snapshot's index", { snapshot: { data: Buffer.alloc(0), metadata: { index: 2 ** 60, term: 1, confState: { voters: [1], learners: [] } } } }, "snapshot.metadata.index"],
    ["a snapshot's member id", { snapshot: { data: Buffer.alloc(0), metadata: { index: 3, term: 1, confState: { voters: [1, 2 ** 60], learners: [] } } } }, "snapshot.metadata.confState member"],
  ])("refuses %s, naming it", (_name, patch, expected) => {
    // Cast: the patches include values the generated types rule out (what the wire can still carry).
    const why = implausibleField({ ...base, ...patch } as unknown as Message__Output);
    expect(why).toContain(expected);
  });
});
