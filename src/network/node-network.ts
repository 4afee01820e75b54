/**
 * A node's share of the task network (see design/network.md):
 *
 *   host netns:  swbr0 (bridge, <gateway>/<prefix> of the node's task subnet)
 *                  ├─ swvx0   VXLAN (VNI 4097, dstport 4789, local <underlay ip>), FDB 00:00:00:00:00:00
 *                  │          → every peer's underlay ip (floods ARP), MACs learned from traffic
 *                  └─ swv<h>  host end of each task's veth
 *                routes: <peer task subnet> dev swbr0 (on link: ARP crosses the overlay)
 *   task netns:  lo, eth0 <task ip>/<prefix> (MTU of the VXLAN), default via <gateway>
 *
 * All changes go through `ip`/`bridge` batches (inside task netns: `swarm-runtime net-config`); calls
 * are serialized, and task attaches/detaches that wait meanwhile share one batch. Everything is named with the
 * `sw` prefix so a restarted daemon finds and sweeps what a crashed one left.
 */
import { createHash } from "node:crypto";
import { isIP, isIPv4 } from "node:net";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { ip, iproute, IpCommandError, netnsPath } from "./ip.js";
import { netConfig } from "./net-config.js";

/** Bridge of the node's tasks. */
export const BRIDGE = "swbr0";
/** VXLAN device of the overlay. */
export const VXLAN = "swvx0";
/** VXLAN network identifier of the overlay. */
export const VNI = 4097;
/** IANA VXLAN port. */
export const VXLAN_PORT = 4789;
const ZERO_MAC = "00:00:00:00:00:00";

/** One other node of the overlay. */
export interface OverlayPeer {
  readonly nodeId: string;
  /** Underlay IP. */
  readonly addr: string;
  /** Task subnet (CIDR); "" while not allocated. */
  readonly taskSubnet: string;
}

/**
 * Why a peer from the network map cannot be programmed, or null. Its address and subnet become
 * arguments of `bridge fdb` / lines of `ip -batch`, so anything but an IP address and an IPv4 CIDR
 * ("10.0.0.1 dev lo", a newline) is refused here too, whatever the manager let through.
 */
export function peerProblem(p: OverlayPeer): string | null {
  if (isIP(p.addr) === 0) return `address ${JSON.stringify(p.addr)} is not an IP address`;
  if (p.taskSubnet === "") return null;
  const [net, bits, ...rest] = p.taskSubnet.split("/");
  const prefix = Number(bits);
  if (rest.length > 0 || !isIPv4(net ?? "") || !/^\d{1,2}$/.test(bits ?? "") || prefix > 32) return `task subnet ${JSON.stringify(p.taskSubnet)} is not an IPv4 CIDR`;
  return null;
}

/** A task's address as the allocator gave it. */
export interface TaskAddress {
  /** "10.0.3.7/24". */
  readonly cidr: string;
  /** "10.0.3.1". */
  readonly gateway: string;
}

/** What {@link NodeNetwork.attach} made (matches the agent's TaskNetwork). */
export interface AttachedTask {
  readonly netnsPath: string;
  readonly address: string;
  cleanup(): Promise<void>;
}

/** Options of {@link NodeNetwork}. */
export interface NodeNetworkOptions {
  /** This node's underlay IP (the VXLAN `local`). */
  readonly underlayIp: string;
  readonly logger: Logger;
}

/**
 * The MAC of a task's eth0 (and of the node bridge, from its gateway address), derived from its IPv4
 * address (02:42 + the four address bytes, as Docker does). Addresses are reused, and a neighbour that still caches the old task's MAC would otherwise
 * send to a port that no longer exists until its ARP entry goes stale (seconds of connect timeouts in
 * the mesh); with the MAC a function of the address, the cached entry stays right. A task address is
 * always in its node's subnet, so the MAC also stays behind the same VXLAN endpoint.
 */
export function taskMac(ipv4: string): string {
  const bytes = ipv4.split(".").map((b) => Number(b));
  if (bytes.length !== 4 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw new Error(`task address ${JSON.stringify(ipv4)} is not an IPv4 address`);
  return ["02", "42", ...bytes.map((b) => b.toString(16).padStart(2, "0"))].join(":");
}

/** Host end name of a task's veth: `swv` + 10 hex characters of the container id's hash. */
export function vethName(containerId: string): string {
  return `swv${createHash("sha256").update(containerId).digest("hex").slice(0, 10)}`;
}

interface LinkInfo {
  readonly ifname: string;
  readonly mtu: number;
  /** MAC address. */
  readonly address?: string;
  readonly addr_info?: readonly { readonly family: string; readonly local: string; readonly prefixlen: number }[];
}

interface PendingAttach {
  readonly name: string;
  readonly address: TaskAddress;
  resolve(a: AttachedTask): void;
  reject(err: unknown): void;
}

interface PendingDetach {
  readonly name: string;
  resolve(): void;
  reject(err: unknown): void;
}

/** Some task netns could not be removed (name → why). */
class DetachError extends Error {
  constructor(readonly failed: ReadonlyMap<string, string>) {
    super([...failed].map(([n, why]) => `${n}: ${why}`).join("; "));
    this.name = "DetachError";
  }
}

/** See the module comment. */
export class NodeNetwork {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pendingAttach: PendingAttach[] = [];
  private readonly pendingDetach: PendingDetach[] = [];
  private lastHostMs = 0;
  private bridgeCidr: string | undefined;
  private mtu = 1450;
  private peers = new Map<string, OverlayPeer>();

  constructor(private readonly o: NodeNetworkOptions) {}

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Makes (or fixes) bridge + VXLAN for the node's task subnet, gateway = first host address. Idempotent. */
  ensureNode(gatewayCidr: string): Promise<void> {
    return this.serialized(() => this.ensureNodeNow(gatewayCidr));
  }

  private async ensureNodeNow(gatewayCidr: string): Promise<void> {
    if (this.bridgeCidr === gatewayCidr) return;
    const links = await this.links();
    const bridge = links.get(BRIDGE);
    const lines: string[] = [];
    // The gateway's MAC is set, not left to the kernel: a bridge whose MAC was never set takes the lowest
    // MAC of its ports, so a task's veth (random MAC) joining or leaving would change it, and every task
    // still caching the old gateway MAC would send its replies into the void for seconds.
    const mac = taskMac(gatewayCidr.slice(0, gatewayCidr.indexOf("/")));
    if (bridge === undefined) lines.push(`link add ${BRIDGE} address ${mac} type bridge`);
    else if (bridge.address !== mac) lines.push(`link set ${BRIDGE} address ${mac}`);
    const has = bridge?.addr_info?.some((a) => a.family === "inet" && `${a.local}/${String(a.prefixlen)}` === gatewayCidr) ?? false;
    if (!has) {
      if (bridge !== undefined) lines.push(`addr flush dev ${BRIDGE}`);
      lines.push(`addr add ${gatewayCidr} dev ${BRIDGE}`);
    }
    if (!links.has(VXLAN)) lines.push(`link add ${VXLAN} type vxlan id ${String(VNI)} dstport ${String(VXLAN_PORT)} local ${this.o.underlayIp}`);
    lines.push(`link set ${VXLAN} master ${BRIDGE} up`, `link set ${BRIDGE} up`);
    await ip([], `${lines.join("\n")}\n`);
    writeFileSync("/proc/sys/net/ipv4/ip_forward", "1\n");
    this.mtu = (await this.links()).get(VXLAN)?.mtu ?? this.mtu;
    this.bridgeCidr = gatewayCidr;
    this.o.logger.info({ bridge: BRIDGE, gateway: gatewayCidr, mtu: this.mtu }, "node task network ready");
    // Peers known before the bridge existed get their routes now.
    await this.applyPeers([...this.peers.values()], true);
  }

  /** Sets the overlay peers: FDB flood entries and on-link routes to their task subnets. */
  setPeers(peers: readonly OverlayPeer[]): Promise<void> {
    const usable = peers.filter((p) => {
      if (p.addr === this.o.underlayIp || p.addr === "") return false;
      const why = peerProblem(p);
      if (why !== null) this.o.logger.warn({ nodeId: p.nodeId, addr: p.addr, taskSubnet: p.taskSubnet }, `overlay peer skipped: ${why}`);
      return why === null;
    });
    return this.serialized(() => this.applyPeers(usable, false));
  }

  private async applyPeers(peers: readonly OverlayPeer[], force: boolean): Promise<void> {
    const next = new Map(peers.map((p) => [p.nodeId, p]));
    const before = this.peers;
    this.peers = next;
    if (this.bridgeCidr === undefined) return; // applied once the bridge exists
    const fdb: string[] = [];
    const routes: string[] = [];
    const nextAddrs = new Set([...next.values()].map((p) => p.addr));
    for (const old of before.values()) {
      const now = next.get(old.nodeId);
      if (!nextAddrs.has(old.addr)) fdb.push(`fdb del ${ZERO_MAC} dev ${VXLAN} dst ${old.addr}`);
      if (old.taskSubnet !== "" && old.taskSubnet !== now?.taskSubnet) routes.push(`route del ${old.taskSubnet} dev ${BRIDGE}`);
    }
    for (const p of next.values()) {
      const old = before.get(p.nodeId);
      if (force || old?.addr !== p.addr) fdb.push(`fdb append ${ZERO_MAC} dev ${VXLAN} dst ${p.addr}`);
      if (p.taskSubnet !== "" && (force || old?.taskSubnet !== p.taskSubnet)) routes.push(`route replace ${p.taskSubnet} dev ${BRIDGE}`);
    }
    // Deletions may name entries a crashed daemon never made: run them one by one, ignoring "not found".
    for (const line of [...fdb.filter((l) => l.startsWith("fdb del")), ...routes.filter((l) => l.startsWith("route del"))]) {
      await iproute(line.startsWith("fdb") ? "bridge" : "ip", line.split(" ")).catch((err: unknown) => this.o.logger.debug({ cmd: line, err: errorMessage(err) }, "overlay cleanup step"));
    }
    const adds = fdb.filter((l) => l.startsWith("fdb append"));
    for (const line of adds) {
      await iproute("bridge", line.split(" ")).catch((err: unknown) => {
        if (!(err instanceof IpCommandError && /exists/i.test(err.stderr))) throw err;
      });
    }
    const routeAdds = routes.filter((l) => l.startsWith("route replace"));
    if (routeAdds.length > 0) await ip([], `${routeAdds.join("\n")}\n`);
    if (adds.length + routeAdds.length > 0) this.o.logger.info({ peers: next.size }, "overlay peers updated");
  }

  /**
   * Makes a task's netns `name` with a veth on the bridge and its address; see the module comment.
   * Attaches asked for while an earlier batch runs are done together in the next one: one `ip -batch`
   * (netns + veth for all of them) and one `swarm-runtime net-config` (inside every new netns), instead
   * of processes per task. A batch that fails is undone and its tasks attached again one by one, so one
   * bad task fails alone.
   */
  attach(name: string, address: TaskAddress): Promise<AttachedTask> {
    return new Promise((resolve, reject) => {
      this.pendingAttach.push({ name, address, resolve, reject });
      if (this.pendingAttach.length === 1) void this.serialized(() => this.attachPending());
    });
  }

  private async attachPending(): Promise<void> {
    const batch = this.pendingAttach.splice(0);
    if (batch.length === 0) return;
    const started = performance.now();
    try {
      await this.attachNow(batch);
      for (const a of batch) a.resolve(this.attached(a.name, a.address));
      this.o.logger.info({ tasks: batch.length, ms: Math.round(performance.now() - started), hostMs: this.lastHostMs }, "task networks attached");
      return;
    } catch (err) {
      // Undone already (attachNow); one by one now, so a bad task fails alone (and a leftover veth is gone).
      this.o.logger.warn({ tasks: batch.length, err: errorMessage(err) }, "task network attach failed; trying again one by one");
    }
    for (const a of batch) {
      await this.attachNow([a]).then(
        () => a.resolve(this.attached(a.name, a.address)),
        (err: unknown) => a.reject(err),
      );
    }
  }

  private attached(name: string, address: TaskAddress): AttachedTask {
    return { netnsPath: netnsPath(name), address: address.cidr.slice(0, address.cidr.indexOf("/")), cleanup: () => this.detach(name) };
  }

  /** Attaches every task of `batch` or none: on failure all of them are detached again. */
  private async attachNow(batch: readonly PendingAttach[]): Promise<void> {
    for (const gw of new Set(batch.map((a) => `${a.address.gateway}/${a.address.cidr.slice(a.address.cidr.indexOf("/") + 1)}`))) await this.ensureNodeNow(gw);
    const names = batch.map((a) => a.name);
    // Leftovers of an earlier try with the same names. A leftover host veth alone (a crash between
    // the two steps) makes the batch fail, and the retry one by one removes it first.
    if (names.some((n) => existsSync(netnsPath(n)))) await this.detachNow(names);
    const mtu = String(this.mtu);
    const host = batch.flatMap((a) => {
      const veth = vethName(a.name);
      const mac = taskMac(a.address.cidr.slice(0, a.address.cidr.indexOf("/")));
      return [`netns add ${a.name}`, `link add ${veth} mtu ${mtu} type veth peer name eth0 mtu ${mtu} address ${mac} netns ${a.name}`, `link set ${veth} master ${BRIDGE} up`];
    });
    try {
      const t0 = performance.now();
      await ip([], `${host.join("\n")}\n`);
      this.lastHostMs = Math.round(performance.now() - t0);
      await netConfig(batch.map((a) => ({ netnsPath: netnsPath(a.name), ifname: "eth0", cidr: a.address.cidr, gateway: a.address.gateway })));
    } catch (err) {
      await this.detachNow(names).catch(() => undefined);
      throw err;
    }
  }

  /** Removes a task's netns and veth (both idempotent); detaches asked for together share one `ip -batch`. */
  detach(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingDetach.push({ name, resolve, reject });
      if (this.pendingDetach.length === 1) {
        void this.serialized(async () => {
          const batch = this.pendingDetach.splice(0);
          const failed = await this.detachNow(batch.map((d) => d.name)).then(
            () => new Map<string, string>(),
            (err: unknown) => (err instanceof DetachError ? err.failed : new Map(batch.map((d) => [d.name, errorMessage(err)]))),
          );
          for (const d of batch) {
            const why = failed.get(d.name);
            if (why === undefined) d.resolve();
            else d.reject(new Error(`removing task netns ${d.name}: ${why}`));
          }
        });
      }
    });
  }

  /**
   * Deletes the named netns that exist, then the host veth ends (a netns' veth goes with it, but the
   * kernel frees a namespace asynchronously, and a half-made attach may have left one), all in one
   * `ip -force -batch` ("Cannot find device" for a veth already gone is expected; /sys/class/net cannot
   * tell: it shows the namespace that mounted /sys). Throws a {@link DetachError} naming each netns
   * still present afterwards; a veth that cannot be deleted is left to the sweep.
   */
  private async detachNow(names: readonly string[]): Promise<void> {
    const netns = names.filter((n) => existsSync(netnsPath(n)));
    const lines = [...netns.map((n) => `netns del ${n}`), ...names.map((n) => `link del ${vethName(n)}`)];
    let stderr = "";
    if (lines.length > 0) await ip(["-force"], `${lines.join("\n")}\n`).catch((err: unknown) => (stderr = err instanceof IpCommandError ? err.stderr : errorMessage(err))); // judged below, per name
    const left = netns.filter((n) => existsSync(netnsPath(n)));
    if (left.length > 0) throw new DetachError(new Map(left.map((n) => [n, `the netns is still there after ip netns del (${stderr.split("\n").find((l) => l.includes(n)) ?? stderr.split("\n")[0] ?? ""})`])));
  }

  /**
   * Removes what a crashed daemon left: task netns named `<prefix>…` that are not in `keep`, and host
   * veth ends (`swv…`) whose task netns is gone. Returns the names removed.
   */
  async sweep(prefix: string, keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    let names: string[] = [];
    try {
      names = readdirSync("/run/netns");
    } catch {
      names = [];
    }
    await Promise.all(
      names
        .filter((n) => n.startsWith(prefix) && !keep.has(n))
        .map((n) =>
          this.detach(n).then(
            () => removed.push(n),
            (err: unknown) => this.o.logger.warn({ netns: n, err: errorMessage(err) }, "sweep: could not remove a task netns"),
          ),
        ),
    );
    const wanted = new Set([...keep].map(vethName));
    for (const l of (await this.links()).keys()) {
      if (!l.startsWith("swv") || wanted.has(l)) continue;
      await ip(["link", "del", l]).then(
        () => removed.push(l),
        () => undefined,
      );
    }
    if (removed.length > 0) this.o.logger.info({ removed }, "swept task network leftovers");
    return removed;
  }

  /** Removes bridge and VXLAN (node leaving). */
  async destroy(): Promise<void> {
    await this.serialized(async () => {
      for (const l of [VXLAN, BRIDGE]) await ip(["link", "del", l]).catch(() => undefined);
      this.bridgeCidr = undefined;
      this.peers.clear();
    });
  }

  private async links(): Promise<Map<string, LinkInfo>> {
    const out = await ip(["-j", "addr", "show"]);
    const list = JSON.parse(out || "[]") as LinkInfo[];
    return new Map(list.map((l) => [l.ifname, l]));
  }
}

/** The node's IPv4 forwarding switch (for tests and diagnostics). */
export function ipForwarding(): boolean {
  return readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim() === "1";
}
