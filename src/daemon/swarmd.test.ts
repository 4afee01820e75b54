// swarmd's command line: the routing mesh's worker count.
import { describe, expect, it } from "vitest";
import { defaultMeshWorkers, swarmdMeshLayout } from "../mesh/mesh.js";
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

describe("swarmd --mesh-workers", () => {
  it("defaults to one worker process on a machine with 2 or more cores, in-process on one core", () => {
    expect(defaultMeshWorkers(1)).toBe(0);
    expect(defaultMeshWorkers(2)).toBe(1);
    expect(defaultMeshWorkers(16)).toBe(1);
    expect(parse([]).opts.meshWorkers).toBe(defaultMeshWorkers());
    // The daemon's process forwards its share next to the workers; with 0 it forwards everything.
    expect(swarmdMeshLayout(1)).toEqual({ workers: 1, forwardInMeshProcess: true });
    expect(swarmdMeshLayout(0)).toEqual({ workers: 0, forwardInMeshProcess: false });
  });

  it("takes a whole number", () => {
    expect(parse(["--mesh-workers", "0"]).opts.meshWorkers).toBe(0);
    expect(parse(["--mesh-workers", "3"]).opts.meshWorkers).toBe(3);
  });

  it.each(["-1", "1.5", "two", "65"])("refuses %s with a clear error", (v) => {
    const { err } = parse(["--mesh-workers", v]);
    expect(err.split("\n")[0]).toBe(`error: option '--mesh-workers <n>' argument '${v}' is invalid. ${v} is not a whole number in 0..64`);
  });
});
