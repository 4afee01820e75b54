/**
 * Control.Watch: streams store changes to a client — first one SNAPSHOT message per matching object,
 * then one SNAPSHOT message without an object (the listing is complete), then CREATE/UPDATE/REMOVE
 * as the store applies them. Served from the local store on any manager (a follower applies the same
 * log, a little later than the leader), read and subscribed atomically so nothing is missed or doubled.
 * A watcher that falls behind, or a store restored from a snapshot, ends the stream with the store's
 * error (code STORE_SLOW_WATCHER in the metadata): the client watches again. Cluster objects are redacted as in GetCluster; nodes get their live fields.
 */
import type { ServerWritableStream } from "@grpc/grpc-js";
import type { WatchMessage } from "../../gen/swarm/control/WatchMessage.js";
import type { WatchRequest__Output } from "../../gen/swarm/control/WatchRequest.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import { ValidationError } from "../../lib/errors.js";
import { toServiceError } from "../../rpc/grpc.js";
import type { Store } from "../../store/store.js";
import { OBJECT_KINDS, type ObjectKind, type StoreEvent, type StoreObject } from "../../store/types.js";
import { redactCluster } from "./nodes.js";

/** Which objects a watch wants (validated from the request). */
export interface WatchSelection {
  readonly kinds: ReadonlySet<ObjectKind>;
  readonly serviceId: string;
}

/** Validates a WatchRequest; an unknown kind is refused naming it. */
export function watchSelection(req: WatchRequest__Output): WatchSelection {
  for (const k of req.kinds) {
    if (!(OBJECT_KINDS as readonly string[]).includes(k)) throw new ValidationError("kinds", `"${k}" is not one of ${OBJECT_KINDS.join(", ")}`);
  }
  return { kinds: new Set(req.kinds.length === 0 ? OBJECT_KINDS : (req.kinds as ObjectKind[])), serviceId: req.serviceId };
}

/** True if the selection wants this object. */
export function selects(sel: WatchSelection, kind: ObjectKind, object: StoreObject): boolean {
  if (!sel.kinds.has(kind)) return false;
  return sel.serviceId === "" || kind !== "task" || (object as StoreObject<"task">).serviceId === sel.serviceId;
}

/** One object as a WatchMessage. */
export function watchMessage(action: WatchMessage["action"], kind: ObjectKind, object: StoreObject, version: number, view: (n: Node__Output) => Node__Output): WatchMessage {
  const base = { action, version };
  switch (kind) {
    case "node":
      return { ...base, node: view(object as StoreObject<"node">) };
    case "service":
      return { ...base, service: object as StoreObject<"service"> };
    case "task":
      return { ...base, task: object as StoreObject<"task"> };
    case "cluster":
      return { ...base, cluster: redactCluster(object as StoreObject<"cluster">) };
  }
}

const ACTIONS = { create: "CREATE", update: "UPDATE", remove: "REMOVE" } as const;

/** Serves one Watch call (after authorization). */
export async function serveWatch(store: Store, call: ServerWritableStream<WatchRequest__Output, WatchMessage>, view: (n: Node__Output) => Node__Output): Promise<void> {
  let sel: WatchSelection;
  try {
    sel = watchSelection(call.request);
  } catch (err) {
    call.emit("error", toServiceError(err));
    return;
  }
  const [initial, watcher] = store.viewAndWatch(
    (tx) => OBJECT_KINDS.flatMap((kind) => (sel.kinds.has(kind) ? tx.list(kind).filter((o) => selects(sel, kind, o)).map((o) => ({ kind, o })) : [])),
    { filter: (e: StoreEvent) => selects(sel, e.kind, e.object) },
  );
  call.on("cancelled", () => watcher.close());
  call.on("close", () => watcher.close());
  const write = async (m: WatchMessage): Promise<void> => {
    if (!call.write(m)) await new Promise<void>((resolve) => call.once("drain", () => resolve()));
  };
  try {
    for (const { kind, o } of initial) await write(watchMessage("SNAPSHOT", kind, o, o.meta?.version ?? 0, view));
    await write({ action: "SNAPSHOT", version: 0 });
    for await (const e of watcher) {
      if (call.cancelled) break;
      await write(watchMessage(ACTIONS[e.type], e.kind, e.object, e.version, view));
    }
    call.end();
  } catch (err) {
    watcher.close();
    if (!call.cancelled) call.emit("error", toServiceError(err));
  }
}
