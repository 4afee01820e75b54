import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync, cpSync, truncateSync, statSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Entry__Output } from "../../gen/swarm/raft/Entry.js";
import { Wal } from "./wal.js";
import { WalCorruptError, WalInconsistentError } from "./errors.js";
import { RECORD_HEADER_BYTES } from "./record.js";

const root = mkdtempSync(join(tmpdir(), "swarm-wal-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
function freshDir(): string {
  return join(root, `d${counter++}`);
}

function entry(index: number, term = 1, size = 10): Entry__Output {
  return { term, index, type: "ENTRY_NORMAL", data: Buffer.alloc(size, index & 0xff) };
}

function indices(es: readonly Entry__Output[]): number[] {
  return es.map((e) => e.index);
}

function segmentFiles(dir: string): string[] {
  return readdirSync(join(dir, "wal")).sort();
}

describe("WAL", () => {
  it("returns what was synced after reopen: entries and the last hard state", async () => {
    const dir = freshDir();
    const { wal, state } = await Wal.open({ dir });
    expect(state.entries).toEqual([]);
    wal.append({ term: 1, vote: 2, commit: 0 }, [entry(1), entry(2)]);
    wal.append({ term: 2, vote: 3, commit: 2 }, [entry(3, 2)]);
    await wal.sync();
    await wal.close();
    const re = await Wal.open({ dir });
    expect(indices(re.state.entries)).toEqual([1, 2, 3]);
    expect(re.state.entries[2]?.term).toBe(2);
    expect(re.state.entries[1]?.data).toEqual(Buffer.alloc(10, 2));
    expect(re.state.hardState).toEqual({ term: 2, vote: 3, commit: 2 });
    expect(re.state.truncatedTail).toBeNull();
    await re.wal.close();
  });

  it("group commit: syncs requested while one runs share the next fdatasync, and all are durable", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir });
    wal.append({ term: 1, vote: 1, commit: 0 }, [entry(1)]);
    const first = wal.sync();
    // Requested while the first group has not finished: they all join ONE next group.
    const joined: Promise<void>[] = [];
    for (let i = 2; i <= 6; i++) {
      wal.append(null, [entry(i)]);
      joined.push(wal.sync());
    }
    await Promise.all([first, ...joined]);
    expect(wal.stats.groups).toBeLessThanOrEqual(2);
    wal.append({ term: 1, vote: 1, commit: 6 }, [entry(7)]);
    await wal.sync();
    expect(wal.stats.groups).toBeLessThanOrEqual(3);
    await wal.close();
    const re = await Wal.open({ dir });
    expect(indices(re.state.entries)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(re.state.hardState).toEqual({ term: 1, vote: 1, commit: 6 });
    await re.wal.close();
  });

  it("overwrites a conflicting suffix: a later entry at index i truncates everything after i", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir });
    wal.append(null, [1, 2, 3, 4, 5, 6].map((i) => entry(i, 1)));
    await wal.sync();
    wal.append(null, [entry(4, 2), entry(5, 2)]);
    await wal.sync();
    await wal.close();
    const re = await Wal.open({ dir });
    expect(re.state.entries.map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1], [3, 1], [4, 2], [5, 2]]);
    // appending continues after the overwrite
    re.wal.append(null, [entry(6, 2)]);
    await re.wal.sync();
    await re.wal.close();
    const re2 = await Wal.open({ dir });
    expect(re2.state.entries.map((e) => e.term)).toEqual([1, 1, 1, 2, 2, 2]);
    await re2.wal.close();
  });

  it("rotates segments, keeps the hard state across them, and releases segments a snapshot covers", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir, segmentBytes: 1024 });
    for (let i = 1; i <= 100; i++) wal.append({ term: 1, vote: 1, commit: i - 1 }, [entry(i, 1, 50)]);
    await wal.sync();
    const before = segmentFiles(dir);
    expect(before.length).toBeGreaterThan(5);
    await wal.saveSnapshot({ data: Buffer.from("state@60"), metadata: { index: 60, term: 1, confState: { voters: [1, 2, 3], learners: [] } } }, false);
    const removed = await wal.releaseTo(60);
    expect(removed).toBeGreaterThan(0);
    const after = segmentFiles(dir);
    expect(after.length).toBe(before.length - removed);
    await wal.close();
    const re = await Wal.open({ dir, segmentBytes: 1024 });
    expect(re.state.snapshot?.metadata?.index).toBe(60);
    expect(re.state.snapshot?.data.toString()).toBe("state@60");
    expect(re.state.snapshot?.metadata?.confState?.voters).toEqual([1, 2, 3]);
    expect(indices(re.state.entries)).toEqual(Array.from({ length: 40 }, (_, k) => 61 + k));
    expect(re.state.hardState).toEqual({ term: 1, vote: 1, commit: 99 });
    await re.wal.close();
  });

  it("drops the old log on an installed snapshot (replaceLog) and continues after it", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir });
    wal.append({ term: 1, vote: 1, commit: 3 }, [1, 2, 3, 4, 5].map((i) => entry(i, 1)));
    await wal.sync();
    await wal.saveSnapshot({ data: Buffer.from("leader-state"), metadata: { index: 4, term: 3, confState: { voters: [1], learners: [] } } }, true);
    wal.append({ term: 3, vote: 0, commit: 4 }, []);
    await wal.sync();
    await wal.close();
    const re = await Wal.open({ dir });
    expect(re.state.snapshot?.metadata?.index).toBe(4);
    expect(re.state.entries).toEqual([]); // stale entry 5 (term 1) is gone
    re.wal.append(null, [entry(5, 3)]);
    await re.wal.sync();
    await re.wal.close();
    const re2 = await Wal.open({ dir });
    expect(re2.state.entries.map((e) => [e.index, e.term])).toEqual([[5, 3]]);
    await re2.wal.close();
  });

  it("recovers a prefix when the WAL is truncated at every byte offset of its last records", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir });
    const ends: { index: number; size: number }[] = [];
    const segPath = (): string => join(dir, "wal", segmentFiles(dir)[0] as string);
    for (let i = 1; i <= 8; i++) {
      wal.append({ term: 1, vote: 1, commit: i - 1 }, [entry(i, 1, 20 + i)]);
      await wal.sync();
      ends.push({ index: i, size: statSync(segPath()).size });
    }
    await wal.close();
    const full = readFileSync(segPath());
    const start = (ends[4] as { size: number }).size; // the last 3 entries (+ hard states) get cut everywhere
    let checked = 0;
    for (let cut = start; cut < full.length; cut++) {
      const copy = freshDir();
      cpSync(dir, copy, { recursive: true });
      const file = join(copy, "wal", segmentFiles(copy)[0] as string);
      truncateSync(file, cut);
      const re = await Wal.open({ dir: copy });
      const got = indices(re.state.entries);
      const durable = ends.filter((e) => e.size <= cut).map((e) => e.index);
      const lastDurable = durable[durable.length - 1] ?? 0;
      // a prefix of what was written, containing at least every record wholly inside the cut
      expect(got).toEqual(Array.from({ length: got.length }, (_, k) => k + 1));
      expect(got.length).toBeGreaterThanOrEqual(lastDurable);
      expect(got.length).toBeLessThanOrEqual(lastDurable + 1);
      const boundaries = ends.flatMap((e, k) => [e.size, (k === 0 ? RECORD_HEADER_BYTES + 20 : (ends[k - 1]?.size ?? 0)) + RECORD_HEADER_BYTES + 17 + 20 + e.index]);
      expect(re.state.truncatedTail === null).toBe(boundaries.includes(cut));
      // the file was cut back to a record boundary, and new writes land after it
      re.wal.append(null, [entry(got.length + 1, 2)]);
      await re.wal.sync();
      await re.wal.close();
      const again = await Wal.open({ dir: copy });
      expect(indices(again.state.entries)).toEqual(Array.from({ length: got.length + 1 }, (_, k) => k + 1));
      expect(again.state.truncatedTail).toBeNull();
      await again.wal.close();
      rmSync(copy, { recursive: true, force: true });
      checked++;
    }
    expect(checked).toBe(full.length - start);
  });

  it("recovers when the tail is zero-filled (file size grew, data never reached the disk)", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir });
    wal.append(null, [entry(1), entry(2)]);
    await wal.sync();
    await wal.close();
    const file = join(dir, "wal", segmentFiles(dir)[0] as string);
    appendFileSync(file, Buffer.alloc(4096));
    const re = await Wal.open({ dir });
    expect(indices(re.state.entries)).toEqual([1, 2]);
    expect(re.state.truncatedTail?.reason).toMatch(/zero bytes/);
    await re.wal.close();
  });

  it("refuses to open when a bit flips in the middle, naming the file and the offset", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir });
    for (let i = 1; i <= 20; i++) wal.append(null, [entry(i, 1, 40)]);
    await wal.sync();
    await wal.close();
    const file = join(dir, "wal", segmentFiles(dir)[0] as string);
    const buf = readFileSync(file);
    const recordSize = RECORD_HEADER_BYTES + 17 + 40;
    const headerSize = RECORD_HEADER_BYTES + 20;
    const cases = [
      { name: "payload byte", offset: headerSize + 9 * recordSize + RECORD_HEADER_BYTES + 20, re: /payload CRC mismatch/ },
      { name: "length field", offset: headerSize + 9 * recordSize + 1, re: /header check mismatch/ },
      { name: "CRC field", offset: headerSize + 9 * recordSize + 9, re: /payload CRC mismatch/ },
    ];
    for (const c of cases) {
      const copy = freshDir();
      cpSync(dir, copy, { recursive: true });
      const f = join(copy, "wal", segmentFiles(copy)[0] as string);
      const bad = Buffer.from(buf);
      bad[c.offset] = (bad[c.offset] as number) ^ 0x10;
      writeFileSync(f, bad);
      const err = await Wal.open({ dir: copy }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, c.name).toBeInstanceOf(WalCorruptError);
      const w = err as WalCorruptError;
      expect(w.message).toMatch(c.re);
      expect(w.file).toBe(f);
      expect(w.offset).toBe(headerSize + 9 * recordSize);
      expect(w.message).toContain(`${f} at offset ${headerSize + 9 * recordSize}`);
      // nothing was rewritten
      expect(readFileSync(f)).toEqual(bad);
    }
  });

  it("refuses a damaged tail in a segment that is not the last one", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir, segmentBytes: 512 });
    for (let i = 1; i <= 30; i++) wal.append(null, [entry(i, 1, 40)]);
    await wal.sync();
    await wal.close();
    const first = join(dir, "wal", segmentFiles(dir)[0] as string);
    truncateSync(first, statSync(first).size - 3);
    await expect(Wal.open({ dir, segmentBytes: 512 })).rejects.toThrow(/not the last segment/);
  });

  it("refuses a log with a hole (a released segment without a snapshot to cover it)", async () => {
    const dir = freshDir();
    const { wal } = await Wal.open({ dir, segmentBytes: 512 });
    for (let i = 1; i <= 30; i++) wal.append(null, [entry(i, 1, 40)]);
    await wal.sync();
    await wal.close();
    rmSync(join(dir, "wal", segmentFiles(dir)[0] as string));
    const err = await Wal.open({ dir }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WalInconsistentError);
    expect(String(err)).toMatch(/entry 8 follows 0 \(gap; snapshot index 0\)/);
  });

  it("keeps every acknowledged write when the writer is SIGKILLed mid-stream", async () => {
    const dir = freshDir();
    const child = fileURLToPath(new URL("./testing/wal-writer-child.ts", import.meta.url));
    let acked = 0;
    for (let round = 0; round < 3; round++) {
      const proc = spawn(process.execPath, ["--import", "tsx", child, dir], { stdio: ["ignore", "pipe", "inherit"] });
      const target = acked + 200 + round * 37;
      await new Promise<void>((resolve, reject) => {
        let buf = "";
        const deadline = setTimeout(() => reject(new Error(`writer acked only ${acked} (wanted ${target}) in 30 s`)), 30_000);
        proc.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const lines = buf.split("\n");
          buf = lines.pop() ?? "";
          for (const l of lines) acked = Math.max(acked, Number(l.split(" ")[1]));
          if (acked >= target && proc.exitCode === null) {
            proc.kill("SIGKILL");
          }
        });
        proc.on("exit", () => {
          clearTimeout(deadline);
          resolve();
        });
        proc.on("error", reject);
      });
      const re = await Wal.open({ dir, segmentBytes: 64 * 1024 });
      const got = indices(re.state.entries);
      expect(got.length).toBeGreaterThanOrEqual(acked);
      expect(got).toEqual(Array.from({ length: got.length }, (_, k) => k + 1));
      const e = re.state.entries[acked - 1];
      expect(e?.data).toEqual(Buffer.alloc(100 + (acked % 300), acked & 0xff));
      await re.wal.close();
    }
    expect(segmentFiles(dir).length).toBeGreaterThan(1);
  });
});
