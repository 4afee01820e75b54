// swarmd's command line: the routing mesh's relay count and limits.
import { describe, expect, it } from "vitest";
import { defaultMeshRelays } from "../mesh/mesh.js";
import { buildProgram, meshLimitsFromOpts } from "./swarmd.js";

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

describe("swarmd --mesh-* limits", () => {
  it("passes only the limits given, so the mesh's defaults apply to the rest", () => {
    expect(meshLimitsFromOpts(parse([]).opts)).toEqual({});
    const { opts } = parse(["--mesh-fd-budget", "0", "--mesh-tcp-per-port", "100", "--mesh-tcp-per-source", "10", "--mesh-udp-per-port", "200", "--mesh-udp-per-source", "20", "--mesh-tcp-idle-timeout", "90s"]);
    expect(meshLimitsFromOpts(opts)).toEqual({ fdBudget: 0, tcpPerPort: 100, tcpPerSource: 10, udpPerPort: 200, udpPerSource: 20, tcpIdleTimeoutMs: 90_000 });
  });

  it.each([
    ["--mesh-tcp-per-port", "0", "option '--mesh-tcp-per-port <n>' argument '0' is invalid. 0 is not a whole number ≥ 1"],
    ["--mesh-udp-per-source", "1.5", "option '--mesh-udp-per-source <n>' argument '1.5' is invalid. 1.5 is not a whole number ≥ 1"],
    ["--mesh-fd-budget", "-1", "option '--mesh-fd-budget <n>' argument '-1' is invalid. -1 is not a whole number ≥ 0"],
    ["--mesh-tcp-idle-timeout", "0", "option '--mesh-tcp-idle-timeout <duration>' argument '0' is invalid. 0 is not a duration of at least 1ms"],
    ["--mesh-tcp-idle-timeout", "10", 'option \'--mesh-tcp-idle-timeout <duration>\' argument \'10\' is invalid. duration: invalid duration "10": missing unit (expected e.g. "500ms", "10s", "1m30s")'],
  ])("%s %s is refused with a clear error", (flag, v, message) => {
    expect(parse([flag, v]).err.split("\n")[0]).toBe(`error: ${message}`);
  });
});
