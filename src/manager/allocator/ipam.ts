/**
 * Pure IPv4 address management for the overlay: node subnets carved from the cluster pool, task
 * addresses inside a node's subnet. No store, no I/O: the network allocator (network-allocator.ts)
 * feeds it what the store holds and writes back what it picks.
 *
 * Rules:
 * - A node subnet is the first `/subnetSize` block of the pool (in pool order) that no other node
 *   holds and that contains no node's underlay address (so the overlay never shadows the hosts).
 * - In a node subnet the network address, the gateway (first host address, the node bridge) and the
 *   broadcast address are never given to a task.
 * - A task address is one no live task on the node holds; among those, one no task in the store ever
 *   held (history included) comes first, scanning upwards from the highest address in use, so a freed
 *   address is reused as late as possible (remote ARP caches forget the old MAC meanwhile).
 */
import { ValidationError } from "../../lib/errors.js";

/** An IPv4 CIDR block as integers. */
export interface Cidr {
  /** Network address (host bits zero). */
  readonly base: number;
  readonly prefix: number;
}

/** "10.0.3.7" → 0x0a000307; throws naming `field` when malformed. */
export function parseIpv4(text: string, field = "address"): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  const o = m?.slice(1, 5).map(Number) ?? [];
  if (m === null || o.some((x) => x > 255)) throw new ValidationError(field, `invalid IPv4 address ${JSON.stringify(text)}`);
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

/** 0x0a000307 → "10.0.3.7". */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** "10.0.0.0/8" → {base, prefix}; host bits are cleared. Throws naming `field`. */
export function parseCidr(text: string, field = "cidr"): Cidr {
  const slash = text.indexOf("/");
  const prefix = Number(text.slice(slash + 1));
  if (slash < 0 || !/^\d{1,2}$/.test(text.slice(slash + 1)) || prefix > 32) throw new ValidationError(field, `invalid CIDR ${JSON.stringify(text)} (expected e.g. "10.0.0.0/8")`);
  const ip = parseIpv4(text.slice(0, slash), field);
  return { base: (ip & mask(prefix)) >>> 0, prefix };
}

/** "10.0.3.0/24". */
export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.base)}/${String(c.prefix)}`;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Whether `ip` lies in `c`. */
export function cidrContains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.prefix)) >>> 0) === c.base;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

/** The gateway (node bridge address) of a node subnet: its first host address. */
export function gatewayOf(subnet: Cidr): number {
  return subnet.base + 1;
}

/**
 * The first free `/subnetSize` block of `pool` that overlaps none of `taken` and contains none of
 * `avoid` (underlay addresses); undefined when the pool is exhausted.
 */
export function pickNodeSubnet(pool: readonly Cidr[], subnetSize: number, taken: readonly Cidr[], avoid: readonly number[]): Cidr | undefined {
  for (const block of pool) {
    if (subnetSize < block.prefix) continue;
    const step = 2 ** (32 - subnetSize);
    const count = size(block) / step;
    for (let i = 0; i < count; i++) {
      const candidate: Cidr = { base: block.base + i * step, prefix: subnetSize };
      if (taken.some((t) => overlaps(t, candidate))) continue;
      if (avoid.some((a) => cidrContains(candidate, a))) continue;
      return candidate;
    }
  }
  return undefined;
}

/**
 * A task address in `subnet` (see the module rules): not in `live`, preferably not in `everUsed`;
 * undefined when every host address is live.
 */
export function pickTaskAddress(subnet: Cidr, live: ReadonlySet<number>, everUsed: ReadonlySet<number>): number | undefined {
  const first = gatewayOf(subnet) + 1;
  const last = subnet.base + size(subnet) - 2; // before broadcast
  if (last < first) return undefined;
  let highest = first - 1;
  for (const ip of everUsed) if (cidrContains(subnet, ip) && ip > highest && ip <= last) highest = ip;
  const span = last - first + 1;
  const start = highest + 1 > last ? first : highest + 1;
  for (let i = 0; i < span; i++) {
    const ip = first + ((start - first + i) % span);
    if (!live.has(ip) && !everUsed.has(ip)) return ip;
  }
  for (let i = 0; i < span; i++) {
    const ip = first + ((start - first + i) % span);
    if (!live.has(ip)) return ip;
  }
  return undefined;
}
