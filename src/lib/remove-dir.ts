/** Removing directory trees without blocking the event loop (task directories, rootfs upper dirs). */
import { errorMessage } from "./errors.js";
import { runProcess } from "./spawner.js";

/**
 * Removes a directory tree (or a file; a missing path is fine) without blocking the event loop:
 * `rm -rf --one-file-system` through the shared spawner (spawner.ts). rmSync of a task's upper
 * dir stalled Raft ticks, heartbeats and the mesh for as long as it took (~0.5 s per 20 000 files);
 * fs.promises.rm still stalled ~170 ms in one turn and queued every other fs call behind it; a
 * depth-first async walk stalled 10–21 ms and took twice as long; rm in its own process stalled
 * 7–13 ms and was the fastest (0.35–0.44 s). `--one-file-system` refuses to cross a mount left inside
 * the tree (a bind mount whose umount failed would otherwise lose the host's files); symlinks are
 * removed, never followed. A failure names the directory and says what rm said.
 */
export async function removeDir(path: string): Promise<void> {
  let r;
  try {
    r = await runProcess("rm", ["-rf", "--one-file-system", "--", path]);
  } catch (err) {
    throw new Error(`removing ${path}: ${errorMessage(err)}`, { cause: err });
  }
  if (r.code !== 0) {
    const why = r.stderr.trim().replace(/^rm: /gm, "") || (r.signal !== null ? `rm killed by ${r.signal}` : `rm exited ${String(r.code)}`);
    throw new Error(`removing ${path}: ${why}`);
  }
}
