/**
 * Test helper process: appends entries to a WAL in a loop, syncing each small batch, and prints
 * `ack <index>` only after the fdatasync returned. The parent SIGKILLs it mid-write and checks that every
 * acknowledged index survives. Usage: tsx wal-writer-child.ts <dir>
 */
import { Wal } from "../wal.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: wal-writer-child.ts <dir>");
const { wal, state } = await Wal.open({ dir, segmentBytes: 64 * 1024 });
let index = state.entries[state.entries.length - 1]?.index ?? 0;
let batch = 0;
for (;;) {
  const n = 1 + (batch++ % 7);
  const entries = [];
  for (let i = 0; i < n; i++) {
    index++;
    entries.push({ term: 1, index, type: "ENTRY_NORMAL" as const, data: Buffer.alloc(100 + (index % 300), index & 0xff) });
  }
  wal.append({ term: 1, vote: 1, commit: index }, entries);
  await wal.sync();
  process.stdout.write(`ack ${index}\n`);
}
