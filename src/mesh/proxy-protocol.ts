/**
 * PROXY protocol header encoders (HAProxy's proxy-protocol.txt), pure functions.
 *
 * v1 (text): `PROXY TCP4 <src> <dst> <srcport> <dstport>\r\n` (TCP6 for IPv6, `PROXY UNKNOWN\r\n`
 * when the addresses are unknown); at most 107 bytes.
 * v2 (binary): 12-byte signature `0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A`, then version/command
 * (0x21 = v2 + PROXY, 0x20 = v2 + LOCAL), family/transport (0x11 TCP4, 0x12 UDP4, 0x21 TCP6,
 * 0x22 UDP6, 0x00 UNSPEC), a big-endian 16-bit length of the address block, and the block: source
 * address, destination address, source port, destination port (12 bytes for IPv4, 36 for IPv6).
 *
 * "Source" is the client; "destination" is the address the client connected to (the mesh listener).
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what a dual-stack listener reports) are sent as IPv4;
 * if one side is IPv4 and the other IPv6, both are sent as IPv6.
 */
import { isIPv4, isIPv6 } from "node:net";

/** The v2 signature. */
export const PROXY_V2_SIGNATURE: Buffer = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** The endpoints of a proxied connection. */
export interface ProxiedEndpoints {
  readonly sourceAddress: string | undefined;
  readonly sourcePort: number | undefined;
  readonly destinationAddress: string | undefined;
  readonly destinationPort: number | undefined;
}

type Family = { kind: "ipv4"; src: string; dst: string } | { kind: "ipv6"; src: string; dst: string } | { kind: "unknown" };

function unmap(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m?.[1] ?? a;
}

function stripZone(a: string): string {
  const i = a.indexOf("%");
  return i < 0 ? a : a.slice(0, i);
}

function familyOf(e: ProxiedEndpoints): Family {
  if (e.sourceAddress === undefined || e.destinationAddress === undefined) return { kind: "unknown" };
  if (!validPort(e.sourcePort) || !validPort(e.destinationPort)) return { kind: "unknown" };
  const src = unmap(stripZone(e.sourceAddress));
  const dst = unmap(stripZone(e.destinationAddress));
  if (isIPv4(src) && isIPv4(dst)) return { kind: "ipv4", src, dst };
  const as6 = (a: string): string | undefined => (isIPv4(a) ? `::ffff:${a}` : isIPv6(a) ? a : undefined);
  const s6 = as6(src);
  const d6 = as6(dst);
  if (s6 === undefined || d6 === undefined) return { kind: "unknown" };
  return { kind: "ipv6", src: s6, dst: d6 };
}

function validPort(p: number | undefined): p is number {
  return p !== undefined && Number.isInteger(p) && p >= 0 && p <= 65535;
}

/** Encodes a v1 header (TCP only, by the spec). */
export function encodeProxyV1(e: ProxiedEndpoints): Buffer {
  const f = familyOf(e);
  if (f.kind === "unknown") return Buffer.from("PROXY UNKNOWN\r\n", "latin1");
  const proto = f.kind === "ipv4" ? "TCP4" : "TCP6";
  return Buffer.from(`PROXY ${proto} ${f.src} ${f.dst} ${String(e.sourcePort)} ${String(e.destinationPort)}\r\n`, "latin1");
}

/** Encodes a v2 header with the PROXY command for a TCP stream or a UDP datagram. */
export function encodeProxyV2(e: ProxiedEndpoints, transport: "tcp" | "udp" = "tcp"): Buffer {
  const f = familyOf(e);
  if (f.kind === "unknown") return encodeProxyV2Local();
  const t = transport === "tcp" ? 0x1 : 0x2;
  const addrLen = f.kind === "ipv4" ? 4 : 16;
  const blockLen = addrLen * 2 + 4;
  const out = Buffer.alloc(16 + blockLen);
  PROXY_V2_SIGNATURE.copy(out, 0);
  out[12] = 0x21;
  out[13] = ((f.kind === "ipv4" ? 0x1 : 0x2) << 4) | t;
  out.writeUInt16BE(blockLen, 14);
  const write = f.kind === "ipv4" ? ipv4Bytes : ipv6Bytes;
  write(f.src).copy(out, 16);
  write(f.dst).copy(out, 16 + addrLen);
  out.writeUInt16BE(e.sourcePort ?? 0, 16 + 2 * addrLen);
  out.writeUInt16BE(e.destinationPort ?? 0, 18 + 2 * addrLen);
  return out;
}

/** The v2 LOCAL header (no address block): the receiver uses the real connection endpoints. */
export function encodeProxyV2Local(): Buffer {
  const out = Buffer.alloc(16);
  PROXY_V2_SIGNATURE.copy(out, 0);
  out[12] = 0x20;
  out[13] = 0x00;
  out.writeUInt16BE(0, 14);
  return out;
}

/** The 4 bytes of a dotted IPv4 address. */
export function ipv4Bytes(a: string): Buffer {
  const parts = a.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`ipv4 address: ${JSON.stringify(a)} is not a dotted quad`);
  }
  return Buffer.from(parts);
}

/** The 16 bytes of an IPv6 address (with `::` compression and an embedded IPv4 tail). */
export function ipv6Bytes(a: string): Buffer {
  if (!isIPv6(a)) throw new RangeError(`ipv6 address: ${JSON.stringify(a)} is not an IPv6 address`);
  let text = stripZone(a);
  let tail: readonly [number, number] | undefined;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const b = ipv4Bytes(v4[1]);
    tail = [b.readUInt16BE(0), b.readUInt16BE(2)];
    text = `${text.slice(0, text.length - v4[1].length)}0:0`;
  }
  const [head = "", rest] = text.split("::");
  const parse = (s: string): number[] => (s === "" ? [] : s.split(":").map((h) => parseInt(h, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const groups = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (tail !== undefined) groups.splice(6, 2, tail[0], tail[1]);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}
