// Root: mknod whiteouts, trusted.* xattrs. A hostile layer must not stall the daemon's event loop (a manager
// that misses heartbeats loses leadership), must cost linear work, and is capped in entries.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageError, ImageErrorCode, UnsafeEntryError } from "./errors.js";
import { encodeTar, type TarWriteEntry } from "./tar/writer.js";
import { runProcess } from "../lib/spawner.js";
import { unpackLayer } from "./unpack.js";

let work = "";
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "swarm-unpack-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function layer(name: string, entries: Iterable<TarWriteEntry>): string {
  const file = join(work, `${name}.tar`);
  writeFileSync(file, encodeTar(entries));
  return file;
}

function* whiteouts(n: number): Generator<TarWriteEntry> {
  for (let d = 0; d < 100; d++) yield { path: `d${d}`, type: "directory", mode: 0o755 };
  for (let i = 0; i < n; i++) yield { path: `d${i % 100}/.wh.f${i}`, type: "file" };
}

describe("unpacking a layer off the event loop", () => {
  it("100k whiteouts: made as 0:0 char devices while the event loop keeps running (p99 delay < 100 ms)", async () => {
    const file = layer("whiteouts", whiteouts(100_000));
    const dest = join(work, "wh");
    // The daemon's spawner helper is long-lived; start it before measuring, as a running daemon has.
    expect((await runProcess("true", [])).code).toBe(0);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    // A timer that must keep firing, as Raft's heartbeat timer must on a manager.
    let ticks = 0;
    let last = Date.now();
    const gaps: string[] = [];
    const timer = setInterval(() => {
      ticks++;
      const now = Date.now();
      if (now - last > 60) gaps.push(`${now - last} ms at +${now - t0} ms`);
      last = now;
    }, 10);
    delay.enable();
    const t0 = Date.now();
    const r = await unpackLayer(file, dest, "whiteout layer");
    const took = Date.now() - t0;
    delay.disable();
    clearInterval(timer);
    const maxMs = delay.max / 1e6;
    console.log(`100k whiteouts: ${took} ms, event loop max delay ${maxMs.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, ${ticks} timer ticks; gaps ${gaps.join(", ") || "none"}`);
    // Unpacked on the loop, this layer blocked it for the whole unpack (many seconds). Off the loop the
    // timer keeps firing; the bound on the worst single delay is loose because on this 2-core machine,
    // shared with other builds (load 20+), an idle Node process alone sees 20-70 ms spikes.
    expect(delay.percentile(99) / 1e6).toBeLessThan(100);
    expect(maxMs).toBeLessThan(1000);
    expect(ticks).toBeGreaterThan(took / 10 / 4);
    expect(r.entries).toBe(100_100);
    const names = readdirSync(join(dest, "d7"));
    expect(names).toHaveLength(1000);
    for (const n of names) {
      const st = lstatSync(join(dest, "d7", n));
      expect([st.isCharacterDevice(), st.rdev, st.mode & 0o777]).toEqual([true, 0, 0]);
    }
  }, 300_000);

  it("a file replaced by a directory, a directory replaced by a file: the replaced subtree is forgotten", async () => {
    const entries: TarWriteEntry[] = [
      { path: "a", type: "directory" },
      { path: "a/inner", type: "file", data: Buffer.from("old") },
      { path: "a", type: "file", data: Buffer.from("now a file") },
      { path: "b", type: "file", data: Buffer.from("b") },
      { path: "b", type: "directory" },
      { path: "b/x", type: "file", data: Buffer.from("x") },
      // Overwrite the same path many times: each replaces the previous one.
      ...Array.from({ length: 2000 }, (_, i): TarWriteEntry => ({ path: "c", type: "file", data: Buffer.from(`v${i}`) })),
    ];
    const dest = join(work, "replace");
    await unpackLayer(layer("replace", entries), dest, "replace layer");
    expect(readFileSync(join(dest, "a"), "utf8")).toBe("now a file");
    expect(readFileSync(join(dest, "b/x"), "utf8")).toBe("x");
    expect(readFileSync(join(dest, "c"), "utf8")).toBe("v1999");
    // a/inner went with the directory: a hard link to it is a link to nothing of this layer.
    const bad = [...entries.slice(0, 3), { path: "l", type: "hardlink", linkPath: "a/inner" } as const];
    const err = await unpackLayer(layer("stale-link", bad), join(work, "stale"), "stale layer").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeEntryError);
    expect((err as Error).message).toBe('stale layer: tar entry "l": hard link target "a/inner" is not a regular file earlier in this layer (links out of the layer are refused)');
  });

  it("a layer with more entries than the cap is refused, naming the cap", async () => {
    const entries = Array.from({ length: 1001 }, (_, i): TarWriteEntry => ({ path: `f${i}`, type: "file" }));
    const err = await unpackLayer(layer("many", entries), join(work, "many"), "layer 0 (sha256:x)", { maxEntries: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).code).toBe(ImageErrorCode.BadArchive);
    expect((err as Error).message).toBe("layer 0 (sha256:x): layer has more than 1000 entries (the limit per layer)");
  });
});
