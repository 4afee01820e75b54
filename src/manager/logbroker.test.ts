// The log broker over real mTLS gRPC on loopback (issue [10]): a node publishes only its own tasks' lines.
// Worker w2 gets a real subscription for service s1 (tasks t1 on w1, t2 on w2) and publishes a line that
// names t1: its stream ends with PERMISSION_DENIED naming t1 and the subscriber never sees the line; the
// same node's line for its own t2 goes through. A fifth concurrent publish stream of one node is refused.
import { Server, type ClientReadableStream, type ClientWritableStream, type ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate, type NodeRole, type RootCA } from "../ca/certs.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, serverCredentials, TlsIdentityProvider } from "../ca/tls.js";
import type { PublishLogsMessage } from "../gen/swarm/logs/PublishLogsMessage.js";
import type { SubscribeLogsMessage__Output } from "../gen/swarm/logs/SubscribeLogsMessage.js";
import type { SubscriptionMessage__Output } from "../gen/swarm/logs/SubscriptionMessage.js";
import { silentLogger } from "../lib/logger.js";
import { protos } from "../rpc/services.js";
import { makeNode, makeService, makeTask } from "../store/objects.js";
import { LocalProposer, Store } from "../store/store.js";
import { LogBroker, MAX_PUBLISH_STREAMS_PER_NODE, publishRefusal } from "./logbroker.js";

let ca: RootCA;
let server: Server;
let addr = "";
let broker: LogBroker;
const clients: { close(): void }[] = [];

async function identity(nodeId: string, role: NodeRole): Promise<TlsIdentityProvider> {
  const k = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role, clusterId: "c1" });
  return new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem });
}

function brokerClient(id: TlsIdentityProvider): InstanceType<typeof protos.logs.LogBroker> {
  const c = new protos.logs.LogBroker(addr, managerChannelCredentials(id), MANAGER_TARGET_OPTIONS);
  clients.push(c);
  return c;
}

/** Opens a publish stream; `ended` resolves with its status (undefined = OK). */
function publishStream(id: TlsIdentityProvider): { stream: ClientWritableStream<PublishLogsMessage>; ended: Promise<ServiceError | undefined> } {
  let stream!: ClientWritableStream<PublishLogsMessage>;
  const ended = new Promise<ServiceError | undefined>((resolve) => {
    stream = brokerClient(id).publishLogs((err) => resolve(err ?? undefined));
  });
  return { stream, ended };
}

function line(taskId: string, text: string): PublishLogsMessage["messages"] {
  return [{ context: { taskId }, timeMs: Date.now(), stream: "STDOUT", data: Buffer.from(text) }];
}

beforeAll(async () => {
  ca = await createRootCA();
  const proposer = new LocalProposer();
  const store = new Store({ proposer });
  proposer.attach(store);
  await store.update((tx) => {
    for (const n of ["w1", "w2"]) tx.create("node", makeNode({ id: n, description: { hostname: n }, role: "WORKER", status: { state: "READY" } }));
    tx.create("service", makeService({ id: "s1", spec: { annotations: { name: "web" } } }));
    tx.create("task", makeTask({ id: "t1", serviceId: "s1", slot: 1, nodeId: "w1", desiredState: "RUNNING", status: { state: "RUNNING" } }));
    tx.create("task", makeTask({ id: "t2", serviceId: "s1", slot: 2, nodeId: "w2", desiredState: "RUNNING", status: { state: "RUNNING" } }));
  });
  broker = new LogBroker({ store, leadership: () => ({ isLeader: true, leaderAddr: "" }), dialLeader: () => { throw new Error("no relay in this test"); }, logger: silentLogger() });
  server = new Server();
  broker.addTo(server, () => undefined);
  const creds = serverCredentials(await identity("m1", "manager"));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", creds, (err, p) => (err ? reject(err) : resolve(p))));
  addr = `127.0.0.1:${port}`;
});

afterAll(() => {
  for (const c of clients) c.close();
  broker.stop();
  server.forceShutdown();
});

describe("PublishLogs ownership", () => {
  it("refuses a line of another node's task, naming it, and the subscriber never sees it", async () => {
    const w2 = await identity("w2", "worker");
    const listen: ClientReadableStream<SubscriptionMessage__Output> = brokerClient(w2).listenSubscriptions({});
    listen.on("error", () => undefined); // cancelled at the end
    const subscription = new Promise<SubscriptionMessage__Output>((resolve) => listen.once("data", resolve));
    await new Promise((r) => setTimeout(r, 200)); // the listener is registered before the subscription
    const logs = new protos.logs.Logs(addr, managerChannelCredentials(await identity("m1", "manager")), MANAGER_TARGET_OPTIONS);
    clients.push(logs);
    const seen: string[] = [];
    const sub = logs.subscribeLogs({ selector: { serviceIds: ["s1"], taskIds: [] }, options: { follow: true, tail: -1, sinceMs: 0 } });
    sub.on("data", (m: SubscribeLogsMessage__Output) => seen.push(...m.messages.map((l) => `${l.context?.taskId}:${l.data.toString()}`)));
    sub.on("error", () => undefined);
    const { id } = await subscription;

    const forged = publishStream(w2);
    forged.stream.write({ subscriptionId: id, messages: line("t1", "forged by w2") });
    const err = await forged.ended;
    expect(err?.code).toBe(7); // PERMISSION_DENIED
    expect(err?.details).toContain('task "t1" is not assigned to this node (caller node w2)');

    const unknown = publishStream(w2);
    unknown.stream.write({ subscriptionId: "no-such-subscription", messages: line("t9", "x") });
    expect((await unknown.ended)?.details).toContain('task "t9" is not a task of this cluster');

    const own = publishStream(w2);
    own.stream.write({ subscriptionId: id, messages: line("t2", "w2's own line") });
    const deadline = Date.now() + 5000;
    while (!seen.includes("t2:w2's own line") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    own.stream.end();
    expect(await own.ended).toBeUndefined();
    expect(seen).toEqual(["t2:w2's own line"]);
    sub.cancel();
    listen.cancel();
  });

  it(`refuses publish stream number ${MAX_PUBLISH_STREAMS_PER_NODE + 1} of one node while the others are open`, async () => {
    const w1 = await identity("w1", "worker");
    const open = Array.from({ length: MAX_PUBLISH_STREAMS_PER_NODE }, () => publishStream(w1));
    // An empty message each, so every stream has surely reached the broker before the extra one.
    for (const s of open) s.stream.write({ subscriptionId: "none", messages: [] });
    await new Promise((r) => setTimeout(r, 300));
    const extra = publishStream(w1);
    extra.stream.write({ subscriptionId: "none", messages: [] });
    const err = await extra.ended;
    expect(err?.code).toBe(14); // UNAVAILABLE
    expect(err?.details).toContain(`node w1 already has ${MAX_PUBLISH_STREAMS_PER_NODE} publish streams`);
    for (const s of open) s.stream.end();
    expect(await Promise.all(open.map((s) => s.ended))).toEqual(open.map(() => undefined));
    const again = publishStream(w1);
    again.stream.end();
    expect(await again.ended).toBeUndefined();
  });
});

describe("publishRefusal", () => {
  const owner = (id: string): string | undefined => ({ a: "n1", b: "n2", c: "" })[id];
  it("passes only tasks assigned to the caller", () => {
    expect(publishRefusal("n1", ["a", "a"], owner)).toBeUndefined();
    expect(publishRefusal("n1", ["a", "b"], owner)).toContain('task "b" is not assigned to this node (caller node n1)');
    expect(publishRefusal("n1", ["c"], owner)).toContain('task "c" is not assigned');
    expect(publishRefusal("n1", [], owner)).toBeUndefined();
  });
});
