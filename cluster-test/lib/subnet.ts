/**
 * IPv4 test subnets (pure): parsing a CIDR and laying out addresses in it.
 *
 * Layout: the root bridge gets the first usable address (`.1`), host `hN` gets `.(10 + N)` — so h1 is
 * 10.213.0.11 like the hosts in the README story. Only private (RFC 1918) subnets are accepted, so a
 * typo cannot make the harness claim someone's public addresses.
 */
import { ValidationError } from "../../src/lib/errors.js";

/** Default test subnet: private and unlikely to clash with a real network. */
export const DEFAULT_SUBNET = "10.213.0.0/24";

/** Offset of host h1 in the subnet (hN = network + HOST_OFFSET + N). */
export const HOST_OFFSET = 10;

/** A parsed IPv4 subnet. */
export interface Subnet {
  /** Network address as a 32-bit unsigned number. */
  readonly network: number;
  readonly prefixLength: number;
  /** Canonical `a.b.c.d/n`. */
  readonly cidr: string;
}

/** Parses a dotted quad; throws a ValidationError naming `field`. */
export function parseIPv4(text: string, field = "address"): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) {
    throw new ValidationError(field, `${JSON.stringify(text)} is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Formats a 32-bit number as a dotted quad. */
export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function isPrivate(network: number, prefixLength: number): boolean {
  const within = (base: string, len: number): boolean =>
    prefixLength >= len && Math.floor(network / 2 ** (32 - len)) === Math.floor(parseIPv4(base) / 2 ** (32 - len));
  return within("10.0.0.0", 8) || within("172.16.0.0", 12) || within("192.168.0.0", 16);
}

/** Parses `a.b.c.d/n` (16 ≤ n ≤ 28, host bits zero, RFC 1918 range). */
export function parseSubnet(text: string, field = "subnet"): Subnet {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text);
  if (m?.[1] === undefined || m[2] === undefined) {
    throw new ValidationError(field, `${JSON.stringify(text)} is not a CIDR like ${DEFAULT_SUBNET}`);
  }
  const network = parseIPv4(m[1], field);
  const prefixLength = Number(m[2]);
  if (prefixLength < 16 || prefixLength > 28) {
    throw new ValidationError(field, `${JSON.stringify(text)}: prefix length ${prefixLength} is not within 16..28`);
  }
  if (network % 2 ** (32 - prefixLength) !== 0) {
    throw new ValidationError(field, `${JSON.stringify(text)} has host bits set`);
  }
  if (!isPrivate(network, prefixLength)) {
    throw new ValidationError(field, `${JSON.stringify(text)} is not inside a private range (10/8, 172.16/12, 192.168/16)`);
  }
  return { network, prefixLength, cidr: `${formatIPv4(network)}/${prefixLength}` };
}

/** Number of hosts `hN` that fit in the subnet (network, bridge, offset and broadcast excluded). */
export function hostCapacity(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefixLength) - HOST_OFFSET - 2;
}

/** Address of the root bridge (the first usable address). */
export function bridgeAddress(subnet: Subnet): string {
  return formatIPv4(subnet.network + 1);
}

/** Address of host number `index` (1-based); throws when it does not fit. */
export function hostAddress(subnet: Subnet, index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > hostCapacity(subnet)) {
    throw new ValidationError("hosts", `host ${index} does not fit in ${subnet.cidr} (capacity ${hostCapacity(subnet)})`);
  }
  return formatIPv4(subnet.network + HOST_OFFSET + index);
}

/** True when the address lies inside the subnet. */
export function subnetContains(subnet: Subnet, address: string): boolean {
  const value = parseIPv4(address);
  return Math.floor(value / 2 ** (32 - subnet.prefixLength)) === Math.floor(subnet.network / 2 ** (32 - subnet.prefixLength));
}

/** True when two subnets share any address. */
export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  const len = Math.min(a.prefixLength, b.prefixLength);
  return Math.floor(a.network / 2 ** (32 - len)) === Math.floor(b.network / 2 ** (32 - len));
}
