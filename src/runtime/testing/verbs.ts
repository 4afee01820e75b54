/**
 * The swarm-runtime verbs only tests use: the agent runs a container with one `run --detach`
 * ({@link Runtime.runDetached}), tests also drive `create` and `start` apart (a created container waits
 * for start; start twice is refused) and make the leftovers an older agent could leave.
 */
import { join } from "node:path";
import { runRuntimeCommand, type Container, type CreateOptions, type Runtime } from "../runtime.js";

/** `create`: the container's process waits for {@link startContainer}. */
export async function createContainer(runtime: Runtime, id: string, bundleDir: string, options: CreateOptions = {}): Promise<Container> {
  const logPath = options.logPath ?? join(bundleDir, "container.log");
  await runRuntimeCommand(runtime, id, "create", ["create", "--bundle", bundleDir, "--container-log", logPath, id]);
  return runtime.container(id, logPath);
}

/** `start`: lets a created container's process run. */
export async function startContainer(runtime: Runtime, container: Container): Promise<void> {
  await runRuntimeCommand(runtime, container.id, "start", ["start", container.id]);
}

/** create + start as two commands; a container that fails to start is deleted. */
export async function runContainer(runtime: Runtime, id: string, bundleDir: string, options: CreateOptions = {}): Promise<Container> {
  const c = await createContainer(runtime, id, bundleDir, options);
  try {
    await startContainer(runtime, c);
  } catch (err) {
    await c.delete({ force: true }).catch(() => undefined);
    throw err;
  }
  return c;
}
