/**
 * A cross-process lock on the store (`<root>/lock`, created O_EXCL with the holder's pid). Short critical
 * sections only: committing a load, removing an image, registering a container's use. A lock whose
 * holder process is gone is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ImageError, ImageErrorCode } from "./errors.js";

function holderAlive(file: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file, "utf8").trim());
  } catch {
    return true; // being created right now: treat as held
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Callers of this process queued per lock file (not reentrant, as the file lock never was). */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding the lock file; waits up to `timeoutMs` for another holder. Callers in this
 * process take turns on a promise queue first, so only one of them polls the file: 50 task starts at
 * once used to poll it every 20 ms each.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  const before = queues.get(file) ?? Promise.resolve();
  let done: () => void = () => undefined;
  const mine = new Promise<void>((r) => (done = r));
  const tail = before.then(() => mine);
  queues.set(file, tail);
  try {
    await before;
    return await withFileLockNow(file, fn, timeoutMs);
  } finally {
    done();
    if (queues.get(file) === tail) queues.delete(file);
  }
}

async function withFileLockNow<T>(file: string, fn: () => Promise<T> | T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (!holderAlive(file)) {
        try {
          unlinkSync(file);
        } catch {
          // another waiter removed it first
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new ImageError(ImageErrorCode.Host, `image store lock ${file} is held by another process (waited ${timeoutMs} ms)`);
      }
      await sleep(20);
    }
  }
  try {
    return await fn();
  } finally {
    unlinkSync(file);
  }
}
