// swarmd's command line: the routing mesh's relay count.
import { describe, expect, it } from "vitest";
import { defaultMeshRelays } from "../mesh/mesh.js";
import { buildProgram } from "./swarmd.js";

function parse(args: string[]): { opts: Record<string, unknown>; err: string } {
  let err = "";
  const program = buildProgram().configureOutput({ writeErr: (s) => (err += s), writeOut: () => undefined });
  try {
    program.parse(["node", "swarmd", ...args]);
  } catch {
    // exitOverride: the error text went to writeErr
  }
  return { opts: program.opts(), err };
}

describe("swarmd --mesh-relays", () => {
  it("defaults to one native relay process per core", () => {
    expect(defaultMeshRelays(1)).toBe(1);
    expect(defaultMeshRelays(2)).toBe(2);
    expect(defaultMeshRelays(16)).toBe(16);
    expect(defaultMeshRelays(1000)).toBe(64);
    expect(parse([]).opts.meshRelays).toBe(defaultMeshRelays());
  });

  it("takes a whole number (0 = the daemon's process copies the bytes)", () => {
    expect(parse(["--mesh-relays", "0"]).opts.meshRelays).toBe(0);
    expect(parse(["--mesh-relays", "3"]).opts.meshRelays).toBe(3);
  });

  it.each(["-1", "1.5", "two", "65"])("refuses %s with a clear error", (v) => {
    const { err } = parse(["--mesh-relays", v]);
    expect(err.split("\n")[0]).toBe(`error: option '--mesh-relays <n>' argument '${v}' is invalid. ${v} is not a whole number in 0..64`);
  });
});
