import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, rmSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeSnapshotFile, encodeSnapshotFile, listSnapshotFiles, pruneSnapshotFiles, readSnapshotFile, writeSnapshotFile } from "./snapshot-file.js";
import { SnapshotCorruptError } from "./errors.js";
import { Wal } from "./wal.js";

const root = mkdtempSync(join(tmpdir(), "swarm-snap-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const snap = (index: number, data = `state@${index}`) => ({
  data: Buffer.from(data),
  metadata: { index, term: 2, confState: { voters: [1, 2], learners: [3] } },
});

describe("snapshot files", () => {
  it("round-trips data and metadata through a durable file named <term>-<index>.snap", async () => {
    const dir = join(root, "a");
    const path = await writeSnapshotFile(dir, snap(42));
    expect(path.endsWith("0000000000000002-000000000000002a.snap")).toBe(true);
    const got = await readSnapshotFile(dir, "0000000000000002-000000000000002a.snap");
    expect(got).toEqual(snap(42));
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects a flipped bit, a short file and a foreign file with a clear error", () => {
    const good = encodeSnapshotFile(snap(7, "x".repeat(1000)));
    const flipped = Buffer.from(good);
    flipped[500] = (flipped[500] as number) ^ 1;
    expect(() => decodeSnapshotFile(flipped, "f.snap")).toThrow(/f\.snap: CRC mismatch/);
    expect(() => decodeSnapshotFile(good.subarray(0, 10), "f.snap")).toThrow(/shorter than the 16-byte header/);
    expect(() => decodeSnapshotFile(Buffer.from("hello world, not a snapshot"), "f.snap")).toThrow(SnapshotCorruptError);
  });

  it("keeps the newest N files, removes leftover tmp files, and lists newest first", async () => {
    const dir = join(root, "b");
    for (const i of [5, 9, 7]) await writeSnapshotFile(dir, snap(i));
    writeFileSync(join(dir, "0000000000000002-0000000000000010.snap.tmp"), "half");
    expect((await listSnapshotFiles(dir)).map((f) => f.index)).toEqual([9, 7, 5]);
    expect(await pruneSnapshotFiles(dir, 2)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(["0000000000000002-0000000000000007.snap", "0000000000000002-0000000000000009.snap"]);
  });

  it("falls back to an older snapshot when the newest is damaged, and refuses if the WAL cannot cover the gap", async () => {
    const dir = join(root, "c");
    const { wal } = await Wal.open({ dir, segmentBytes: 400 });
    for (let i = 1; i <= 40; i++) wal.append(null, [{ term: 1, index: i, type: "ENTRY_NORMAL", data: Buffer.alloc(30) }]);
    await wal.sync();
    await wal.saveSnapshot(snap(10), false);
    await wal.saveSnapshot(snap(30), false);
    await wal.close();
    const newest = join(dir, "snap", "0000000000000002-000000000000001e.snap");
    const bytes = readFileSync(newest);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    writeFileSync(newest, bytes);
    const re = await Wal.open({ dir, segmentBytes: 400 });
    expect(re.state.snapshot?.metadata?.index).toBe(10); // entries 11..40 still in the WAL
    expect(re.state.entries.map((e) => e.index)).toEqual(Array.from({ length: 30 }, (_, k) => 11 + k));
    expect(await re.wal.releaseTo(30)).toBeGreaterThan(0); // now entries before ~30 are gone
    await re.wal.close();
    await expect(Wal.open({ dir, segmentBytes: 400 })).rejects.toThrow(/gap; snapshot index 10/);
  });
});
