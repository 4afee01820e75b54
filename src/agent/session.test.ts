// The node's status path to a real dispatcher: a Dispatcher over a local store, served over mTLS on
// loopback behind a TCP proxy that counts the connections (and the TLS ClientHellos) the worker opens.
// The dispatcher's UpdateTaskStatus can be made slow or made to fail; every call it receives is recorded
// with when it arrived and when it was answered. Shown: one connection carries every flush; with a slow
// leader only one call is in flight and later reports wait for the next one; a failed batch is retried
// after 500 ms on a new connection and never overtakes (or is overtaken by) the reports queued after it.
import { Server, type ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { connect, createServer, type Socket } from "node:net";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TaskStatus } from "../gen/swarm/api/TaskStatus.js";
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import type { UpdateTaskStatusRequest__Output } from "../gen/swarm/dispatcher/UpdateTaskStatusRequest.js";
import type { UpdateTaskStatusResponse } from "../gen/swarm/dispatcher/UpdateTaskStatusResponse.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import { toServiceError } from "../rpc/grpc.js";
import { silentLogger } from "../lib/logger.js";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate, type NodeRole, type RootCA } from "../ca/certs.js";
import { serverCredentials, TlsIdentityProvider } from "../ca/tls.js";
import { Dispatcher } from "../manager/dispatcher.js";
import { makeNode, makeTask } from "../store/objects.js";
import { LocalProposer, Store } from "../store/store.js";
import { DispatcherSession } from "./session.js";
import { protos } from "../rpc/services.js";

const TASKS = ["t1", "t2", "t3", "t4"];

/** One UpdateTaskStatus call as the dispatcher saw it. */
interface Call {
  readonly updates: string[]; // "t1=RUNNING"
  readonly start: number;
  end: number | undefined;
  ok: boolean;
}

/** How the dispatcher answers call number n (from 0): after a delay, and either for real or with UNAVAILABLE. */
type Plan = (n: number) => { delayMs: number; fail: boolean };

let ca: RootCA;
let worker: TlsIdentityProvider;
let store: Store;
let server: Server;
let serverPort = 0;
let calls: Call[] = [];
let plan: Plan = () => ({ delayMs: 0, fail: false });
let inFlight = 0;
let maxInFlight = 0;
let proxies: CountingProxy[] = [];
let sessions: DispatcherSession[] = [];
let assigned: string[] | undefined;

async function identity(nodeId: string, role: NodeRole): Promise<TlsIdentityProvider> {
  const k = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role, clusterId: "c1" });
  return new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem });
}

function bind(s: Server, creds: ServerCredentials): Promise<number> {
  return new Promise<number>((resolve, reject) => s.bindAsync("127.0.0.1:0", creds, (err, p) => (err ? reject(err) : resolve(p))));
}

/** A loopback TCP proxy to the dispatcher that counts connections and the TLS ClientHellos that open them. */
interface CountingProxy {
  readonly addr: string;
  /** Connections accepted so far. */
  opened: number;
  /** Connections open now. */
  open: number;
  /** Connections whose first bytes were a TLS ClientHello (a handshake). */
  hellos: number;
  close(): Promise<void>;
}

async function countingProxy(): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const srv = createServer((down) => {
    p.opened++;
    p.open++;
    const up = connect(serverPort, "127.0.0.1");
    sockets.add(down).add(up);
    let first = true;
    down.on("data", (d: Buffer) => {
      // TLS record type 22 (handshake) whose first message is type 1 (ClientHello).
      if (first && d[0] === 0x16 && d[5] === 0x01) p.hellos++;
      first = false;
      up.write(d);
    });
    up.on("data", (d: Buffer) => down.write(d));
    let closed = false;
    const end = (): void => {
      if (!closed) p.open--;
      closed = true;
      down.destroy();
      up.destroy();
    };
    down.on("error", end).on("close", end);
    up.on("error", end).on("close", end);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  const p: CountingProxy = {
    addr: `127.0.0.1:${port}`,
    opened: 0,
    open: 0,
    hellos: 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
  proxies.push(p);
  return p;
}

function session(managers: () => string[]): DispatcherSession {
  const s = new DispatcherSession({
    tls: worker,
    managers,
    runner: { setAssignments: (tasks) => (assigned = tasks.map((t) => t.id).sort()) },
    logger: silentLogger(),
  });
  sessions.push(s);
  return s;
}

function status(state: TaskState__Output, message = ""): TaskStatus {
  return { timestamp: Date.now(), state, message, err: "", health: "NO_HEALTHCHECK" };
}

/** What the store holds for a task: "RUNNING round 3". */
function stored(taskId: string): string {
  const s = store.view((tx) => tx.get("task", taskId))?.status;
  return `${String(s?.state)} ${String(s?.message)}`.trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      const seen = { calls: calls.map((c) => ({ ...c, start: c.start - (calls[0]?.start ?? 0), end: (c.end ?? 0) - (calls[0]?.start ?? 0) })), proxies, store: TASKS.map(stored) };
      throw new Error(`timed out waiting for ${what}; seen: ${JSON.stringify(seen)}`);
    }
    await sleep(5);
  }
}

/** For each task, the states it had in the calls the dispatcher accepted, in order. */
function deliveredStates(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of calls.filter((c) => c.ok)) {
    for (const u of c.updates) {
      const [id = "", state = ""] = u.split("=");
      out.set(id, [...(out.get(id) ?? []), state]);
    }
  }
  return out;
}

const ORDER: readonly TaskState__Output[] = ["ASSIGNED", "ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "COMPLETE"];

beforeAll(async () => {
  ca = await createRootCA();
  worker = await identity("w1", "worker");
  const proposer = new LocalProposer();
  store = new Store({ proposer });
  proposer.attach(store);
  await store.update((tx) => {
    tx.create("node", makeNode({ id: "w1", description: { hostname: "w1" }, role: "WORKER", status: { state: "READY" } }));
    for (const id of TASKS) {
      tx.create("task", makeTask({ id, nodeId: "w1", desiredState: "RUNNING", status: { state: "ASSIGNED" }, networks: [{ networkId: "n1", addresses: ["10.0.3.7/24"] }] }));
    }
  });
  const monitor = new Dispatcher({ store, periodMs: () => 5000, leadership: () => ({ isLeader: true, leaderAddr: "" }), managers: () => [], logger: silentLogger() });
  const real = monitor.handlers();
  server = new Server();
  server.addService(protos.dispatcher.Dispatcher.service, {
    ...real,
    UpdateTaskStatus: (call: ServerUnaryCall<UpdateTaskStatusRequest__Output, UpdateTaskStatusResponse>, cb: sendUnaryData<UpdateTaskStatusResponse>) => {
      const rec: Call = { updates: call.request.updates.map((u) => `${u.taskId}=${String(u.status?.state)}`), start: Date.now(), end: undefined, ok: false };
      const { delayMs, fail } = plan(calls.length);
      calls.push(rec);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      setTimeout(() => {
        const answer = (err: Parameters<typeof cb>[0], res?: UpdateTaskStatusResponse | null): void => {
          inFlight--;
          rec.end = Date.now();
          rec.ok = err === null;
          cb(err, res);
        };
        if (fail) answer(toServiceError(new SwarmError(ErrorCode.Unavailable, "test dispatcher: refusing this call")), null);
        else real.UpdateTaskStatus(call, (err, res) => answer(err, res));
      }, delayMs);
    },
  });
  serverPort = await bind(server, serverCredentials(await identity("m1", "manager")));
  return () => server.forceShutdown();
}, 60_000);

beforeEach(async () => {
  calls = [];
  plan = () => ({ delayMs: 0, fail: false });
  inFlight = 0;
  maxInFlight = 0;
  assigned = undefined;
  // Every test starts from the same task states.
  await store.update((tx) => {
    for (const id of TASKS) {
      const t = structuredClone(tx.get("task", id)!);
      t.status = { ...t.status!, state: "ASSIGNED", message: "" };
      tx.update("task", t);
    }
  });
});

afterEach(async () => {
  for (const s of sessions) s.stop();
  sessions = [];
  await Promise.all(proxies.map((p) => p.close()));
  proxies = [];
});

describe("DispatcherSession status reports", () => {
  it("sends every flush over one connection, kept until stop", async () => {
    const proxy = await countingProxy();
    const s = session(() => [proxy.addr]);
    s.start();
    await until("the assignment stream's complete set", () => assigned?.length === TASKS.length);
    expect(proxy.opened).toBe(1);
    const rounds = 20;
    for (let i = 0; i < rounds; i++) {
      for (const id of TASKS) s.reportStatus(id, status("RUNNING", `round ${String(i)}`));
      await until(`round ${String(i)} delivered`, () => calls.length === i + 1 && calls[i]?.ok === true);
    }
    // One batch per round (the 50 ms batching), all of it in the store.
    expect(calls.map((c) => c.updates.length)).toEqual(Array<number>(rounds).fill(TASKS.length));
    expect(TASKS.map(stored)).toEqual(TASKS.map(() => `RUNNING round ${String(rounds - 1)}`));
    // The assignment stream's connection and one for the status reports: two TLS handshakes in all.
    expect({ opened: proxy.opened, hellos: proxy.hellos, open: proxy.open }).toEqual({ opened: 2, hellos: 2, open: 2 });
    s.stop();
    await until("both connections closed after stop", () => proxy.open === 0);
    expect(proxy.opened).toBe(2);
  });

  it("keeps one call in flight when the leader is slow; later reports go in the next call", async () => {
    plan = () => ({ delayMs: 300, fail: false });
    const proxy = await countingProxy();
    const s = session(() => [proxy.addr]);
    // Each task walks through its states, one report every 40 ms across the tasks (about 1 s).
    const last = new Map<string, string>();
    for (let step = 0; step < ORDER.length - 1; step++) {
      for (const id of TASKS) {
        const state = ORDER[step + 1]!;
        s.reportStatus(id, status(state, `step ${String(step)}`));
        last.set(id, `${state} step ${String(step)}`);
        await sleep(40);
      }
    }
    await until("every task's last report in the store", () => TASKS.every((id) => stored(id) === last.get(id)));
    await sleep(200);
    expect(maxInFlight).toBe(1);
    // Each call started only after the one before it was answered.
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.start).toBeGreaterThanOrEqual(calls[i - 1]!.end!);
    // Batching: far fewer calls than reports, and no task's state ever went backwards on the wire.
    expect(calls.length).toBeLessThan(TASKS.length * (ORDER.length - 1));
    for (const [id, states] of deliveredStates()) {
      const order = states.map((st) => ORDER.indexOf(st as TaskState__Output));
      expect({ id, order }).toEqual({ id, order: [...order].sort((a, b) => a - b) });
    }
    expect(calls.every((c) => c.ok)).toBe(true);
    expect(proxy.opened).toBe(1);
  });

  it("retries a failed batch after 500 ms on a new connection, behind nothing and ahead of nothing it should not be", async () => {
    // The first call is slow and fails; the others are answered at once.
    plan = (n) => ({ delayMs: n === 0 ? 300 : 0, fail: n === 0 });
    const proxy = await countingProxy();
    const s = session(() => [proxy.addr]);
    s.reportStatus("t1", status("STARTING"));
    s.reportStatus("t3", status("COMPLETE"));
    await until("the first call in flight", () => calls.length === 1);
    // While it is in flight: a later state of t1, a new report for t2, and a stale one for t3 (the
    // agent's reports can cross): the queued t1 must win over the failed batch, t3's COMPLETE over RUNNING.
    s.reportStatus("t1", status("RUNNING"));
    s.reportStatus("t2", status("RUNNING"));
    s.reportStatus("t3", status("RUNNING"));
    await until("the retry delivered", () => calls.length === 2 && calls[1]?.ok === true);
    await sleep(700);
    expect(calls.map((c) => ({ updates: [...c.updates].sort(), ok: c.ok }))).toEqual([
      { updates: ["t1=STARTING", "t3=COMPLETE"], ok: false },
      { updates: ["t1=RUNNING", "t2=RUNNING", "t3=COMPLETE"], ok: true },
    ]);
    // The retry waited the 500 ms retry delay after the failure.
    expect(calls[1]!.start - calls[0]!.end!).toBeGreaterThanOrEqual(480);
    expect(["t1", "t2", "t3"].map(stored)).toEqual(["RUNNING", "RUNNING", "COMPLETE"]);
    // The failed call's client was closed and replaced.
    expect(proxy.opened).toBe(2);
    await until("the failed call's connection closed", () => proxy.open === 1);
  });

  it("dials the new target when the manager to talk to changes, and closes the old connection", async () => {
    const a = await countingProxy();
    const b = await countingProxy();
    let managers = [a.addr];
    const s = session(() => managers);
    s.reportStatus("t1", status("RUNNING", "to a"));
    await until("the report to a", () => calls.length === 1 && calls[0]?.ok === true);
    s.reportStatus("t2", status("RUNNING", "to a"));
    await until("the second report to a", () => calls.length === 2 && calls[1]?.ok === true);
    expect([a.opened, b.opened]).toEqual([1, 0]);
    managers = [b.addr];
    s.reportStatus("t1", status("COMPLETE", "to b"));
    await until("the report to b", () => calls.length === 3 && calls[2]?.ok === true);
    expect([a.opened, b.opened]).toEqual([1, 1]);
    await until("a's connection closed", () => a.open === 0);
    expect(stored("t1")).toBe("COMPLETE to b");
    s.stop();
    await until("b's connection closed after stop", () => b.open === 0);
  });

  it("presents a renewed certificate on a new connection", async () => {
    const proxy = await countingProxy();
    const s = session(() => [proxy.addr]);
    s.reportStatus("t1", status("RUNNING", "old certificate"));
    await until("the first report", () => calls.length === 1 && calls[0]?.ok === true);
    s.reportStatus("t1", status("RUNNING", "still the old one"));
    await until("the second report", () => calls.length === 2 && calls[1]?.ok === true);
    expect(proxy.opened).toBe(1);
    const before = worker.current;
    const renewed = await identity("w1", "worker");
    worker.update(renewed.current);
    try {
      s.reportStatus("t1", status("COMPLETE", "renewed"));
      await until("the report after renewal", () => calls.length === 3 && calls[2]?.ok === true);
      expect(proxy.opened).toBe(2);
      await until("the old certificate's connection closed", () => proxy.open === 1);
      expect(stored("t1")).toBe("COMPLETE renewed");
    } finally {
      worker.update(before);
    }
  });
});
