/** Client side of Control.Watch for progress displays: the live set of a service's tasks. */
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { ControlClient } from "../gen/swarm/control/Control.js";
import type { WatchMessage__Output } from "../gen/swarm/control/WatchMessage.js";

/**
 * Yields every task of `serviceId` once the manager listed them, and again after each change, until
 * `signal` aborts (then it returns quietly). Stream errors are thrown.
 */
export async function* serviceTasks(c: ControlClient, serviceId: string, signal: AbortSignal): AsyncGenerator<Task__Output[]> {
  const stream = c.Watch({ kinds: ["task"], serviceId });
  const cancel = (): void => stream.cancel();
  signal.addEventListener("abort", cancel, { once: true });
  const tasks = new Map<string, Task__Output>();
  let listed = false;
  try {
    for await (const m of stream as AsyncIterable<WatchMessage__Output>) {
      if (m.task != null) {
        if (m.action === "REMOVE") tasks.delete(m.task.id);
        else tasks.set(m.task.id, m.task);
      }
      if (m.action === "SNAPSHOT" && m.object === undefined) listed = true;
      if (listed) yield [...tasks.values()];
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener("abort", cancel);
    stream.cancel();
  }
}
