import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TarFormatError, UnsafeEntryError } from "../errors.js";
import { encodeHeader, encodePaxRecord, parsePaxRecords, type TarEntry } from "./header.js";
import { TarParser } from "./parser.js";
import { normalizeEntryPath, resolveInArchive } from "./paths.js";
import { encodeTar, encodeTarEntry } from "./writer.js";

interface Parsed {
  entry: TarEntry;
  data: Buffer;
}

/** Parses a whole archive, feeding it in chunks of `chunkSize` to exercise every state boundary. */
function parseAll(bytes: Uint8Array, chunkSize = bytes.length): Parsed[] {
  const parser = new TarParser();
  const out: Parsed[] = [];
  let parts: Buffer[] = [];
  const handle = (ev: ReturnType<TarParser["push"]>[number]): void => {
    if (ev.type === "entry") parts = [];
    else if (ev.type === "data") parts.push(Buffer.from(ev.chunk));
    else if (ev.type === "entryEnd") out.push({ entry: ev.entry, data: Buffer.concat(parts) });
  };
  for (let i = 0; i < bytes.length; i += Math.max(1, chunkSize)) {
    for (const ev of parser.push(bytes.subarray(i, i + chunkSize))) handle(ev);
  }
  for (const ev of parser.finish()) handle(ev);
  return out;
}

describe("tar writer → parser round trip", () => {
  const longName = `${"deep/".repeat(40)}file-with-a-very-long-name.txt`;
  const entries = [
    { path: "bin", type: "directory", mode: 0o755, mtime: 1_700_000_000 },
    { path: "bin/hello", type: "file", mode: 0o4755, uid: 1000, gid: 2000, mtime: 1_700_000_001, data: Buffer.from("#!/bin/sh\necho hi\n") },
    { path: "bin/link", type: "symlink", linkPath: "hello", mode: 0o777 },
    { path: "bin/hard", type: "hardlink", linkPath: "bin/hello" },
    { path: longName, type: "file", data: Buffer.alloc(1500, 7) },
    { path: "utf8-ünïcødé", type: "file", data: Buffer.from("x") },
    { path: "big-ids", type: "file", uid: 3_000_000, gid: 4_000_000, data: Buffer.alloc(0) },
  ] as const;
  const bytes = encodeTar(entries);

  it.each([bytes.length, 512, 100, 1])("parses what it wrote, fed in %i-byte chunks", (chunk) => {
    const parsed = parseAll(bytes, chunk);
    expect(parsed.map((p) => p.entry.path)).toEqual(["bin/", "bin/hello", "bin/link", "bin/hard", longName, "utf8-ünïcødé", "big-ids"]);
    expect(parsed[1]?.entry).toMatchObject({ type: "file", mode: 0o4755, uid: 1000, gid: 2000, mtime: 1_700_000_001, size: 18 });
    expect(parsed[1]?.data.toString()).toBe("#!/bin/sh\necho hi\n");
    expect(parsed[2]?.entry).toMatchObject({ type: "symlink", linkPath: "hello" });
    expect(parsed[3]?.entry).toMatchObject({ type: "hardlink", linkPath: "bin/hello" });
    expect(parsed[4]?.data).toEqual(Buffer.alloc(1500, 7));
    expect(parsed[6]?.entry).toMatchObject({ uid: 3_000_000, gid: 4_000_000 });
  });

  it("is deterministic", () => {
    expect(encodeTar(entries).equals(bytes)).toBe(true);
  });
});

describe("interoperability with GNU tar", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "swarm-tar-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["gnu", "pax", "ustar"])("reads a %s-format archive from tar(1), long names included", (format) => {
    const src = join(dir, "src");
    const long = format === "ustar" ? "short/name" : `${"x".repeat(120)}/${"y".repeat(120)}`;
    mkdirSync(join(src, long), { recursive: true });
    writeFileSync(join(src, long, "f.txt"), "content\n");
    symlinkSync("f.txt", join(src, long, "l"));
    execFileSync("tar", [`--format=${format}`, "-cf", join(dir, "a.tar"), "-C", src, "."]);
    const parsed = parseAll(readFileSync(join(dir, "a.tar")), 4096);
    const file = parsed.find((p) => p.entry.path === `./${long}/f.txt`);
    expect(file?.data.toString()).toBe("content\n");
    expect(parsed.find((p) => p.entry.path === `./${long}/l`)?.entry).toMatchObject({ type: "symlink", linkPath: "f.txt" });
  });

  it("tar(1) lists and extracts what our writer produced", () => {
    const long = `${"d".repeat(150)}/file`;
    writeFileSync(join(dir, "o.tar"), encodeTar([{ path: long, type: "file", data: Buffer.from("ok\n"), mode: 0o640 }]));
    execFileSync("tar", ["-xf", join(dir, "o.tar"), "-C", dir]);
    expect(readFileSync(join(dir, long), "utf8")).toBe("ok\n");
  });
});

describe("malformed archives", () => {
  const good = encodeTar([{ path: "a.txt", type: "file", data: Buffer.alloc(1000, 1) }]);

  it("refuses a truncated archive, naming the entry", () => {
    expect(() => parseAll(good.subarray(0, 900))).toThrow(/truncated: entry "a.txt" has 388 of 1000 bytes/);
  });
  it("refuses an archive without end marker", () => {
    expect(() => parseAll(good.subarray(0, 512 * 3))).toThrow(/no end-of-archive marker/);
  });
  it("refuses a partial header", () => {
    expect(() => parseAll(good.subarray(0, 100))).toThrow(/partial header/);
  });
  it("refuses a bad checksum", () => {
    const bad = Buffer.from(good);
    bad[0] = 0x62; // "b.txt" without fixing the checksum
    expect(() => parseAll(bad)).toThrow(TarFormatError);
    expect(() => parseAll(bad)).toThrow(/checksum/);
  });
  it("refuses random bytes and empty input", () => {
    expect(() => parseAll(Buffer.alloc(2048, 0x41))).toThrow(/checksum|octal/);
    expect(() => parseAll(Buffer.alloc(0))).toThrow(/empty/);
  });
  it("refuses unsupported member types", () => {
    const { block } = encodeHeader({ path: "sparse", type: "file" });
    block[156] = "S".charCodeAt(0);
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of block) sum += b;
    block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
    expect(() => parseAll(Buffer.concat([block, Buffer.alloc(1024)]))).toThrow(/unsupported type flag "S"/);
  });
  it("refuses oversized pax headers (bounded memory)", () => {
    const parser = new TarParser({ maxMetadataSize: 100 });
    const bytes = encodeTarEntry({ path: "x".repeat(300), type: "file" });
    expect(() => parser.push(bytes)).toThrow(/exceeds the 100-byte limit/);
  });
  it("refuses malformed pax records", () => {
    expect(() => parsePaxRecords(Buffer.from("99 path=x\n"))).toThrow(/malformed/);
    expect(() => parsePaxRecords(Buffer.from("abc path=x\n"))).toThrow(/bad record length/);
  });
});

describe("pax records", () => {
  it.each(["a", "x".repeat(5), "y".repeat(93), "z".repeat(994)])("length prefix counts itself (%#)", (value) => {
    const rec = encodePaxRecord("path", value);
    expect(parsePaxRecords(rec).get("path")).toBe(value);
  });
});

describe("path rules", () => {
  it("normalizes harmless forms", () => {
    expect(normalizeEntryPath("./a//b/./c/")).toBe("a/b/c");
    expect(normalizeEntryPath("./")).toBe("");
  });
  it.each(["../etc/passwd", "a/../../b", "a/.."])("refuses %s", (p) => {
    expect(() => normalizeEntryPath(p)).toThrow(UnsafeEntryError);
    expect(() => normalizeEntryPath(p)).toThrow(/'\.\.' component/);
  });
  it("refuses absolute paths and NUL", () => {
    expect(() => normalizeEntryPath("/etc/passwd")).toThrow(/absolute path/);
    expect(() => normalizeEntryPath("a\0b")).toThrow(/NUL/);
  });
  it("resolves archive-internal links and refuses escapes", () => {
    expect(resolveInArchive("b/layer.tar", "../a/layer.tar", "link-dir")).toBe("a/layer.tar");
    expect(() => resolveInArchive("b/layer.tar", "../../x", "link-dir")).toThrow(/outside the archive/);
    expect(() => resolveInArchive("b/layer.tar", "/x", "link-dir")).toThrow(/absolute/);
  });
});
