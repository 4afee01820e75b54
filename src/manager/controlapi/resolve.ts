/** Finding an object the way users name it: full id, name, or an unambiguous id prefix. */
import { ErrorCode, SwarmError } from "../../lib/errors.js";

/**
 * Picks the one object matching `ref`: an exact id first, then an exact name, then a unique id prefix.
 * Errors name what was looked for and, when ambiguous, how many matched.
 */
export function resolveRef<T extends { id: string }>(kind: string, objects: readonly T[], ref: string, nameOf: (o: T) => string): T {
  if (ref === "") throw new SwarmError(ErrorCode.InvalidArgument, `${kind} id or name: must not be empty`);
  const byId = objects.find((o) => o.id === ref);
  if (byId !== undefined) return byId;
  const byName = objects.filter((o) => nameOf(o) === ref);
  if (byName.length === 1 && byName[0] !== undefined) return byName[0];
  if (byName.length > 1) throw new SwarmError(ErrorCode.InvalidArgument, `${kind} "${ref}" is ambiguous: ${byName.length} ${kind}s have that name; use an id`);
  const byPrefix = objects.filter((o) => o.id.startsWith(ref));
  if (byPrefix.length === 1 && byPrefix[0] !== undefined) return byPrefix[0];
  if (byPrefix.length > 1) throw new SwarmError(ErrorCode.InvalidArgument, `${kind} "${ref}" is ambiguous: ${byPrefix.length} ids start with it`);
  throw new SwarmError(ErrorCode.NotFound, `${kind} ${ref} not found`);
}
