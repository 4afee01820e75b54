/**
 * Generated service names for `service create` without `--name`, in Docker's namesgenerator style
 * (`adjective_surname`, e.g. "quirky_hopper"). Our own short lists; randomness is injected so the
 * choice is testable.
 */

const ADJECTIVES = [
  "admiring", "bold", "brave", "calm", "clever", "cool", "dazzling", "eager", "elated", "epic",
  "focused", "friendly", "gallant", "gentle", "happy", "jolly", "keen", "kind", "lucid", "modest",
  "nifty", "patient", "quirky", "relaxed", "serene", "sharp", "stoic", "tender", "vibrant", "zealous",
] as const;

// People who shaped distributed systems and computing.
const SURNAMES = [
  "allen", "babbage", "backus", "dijkstra", "engelbart", "hamilton", "hopper", "kahn", "knuth", "lamport",
  "liskov", "lovelace", "mccarthy", "milner", "neumann", "ritchie", "shannon", "shamir", "thompson", "turing",
  "wirth", "lampson", "cerf", "perlman", "torvalds", "goldwasser", "hoare", "diffie", "rivest", "brewer",
] as const;

/** A name such as "focused_turing"; `random` returns values in [0, 1) like Math.random. */
export function randomServiceName(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]): T => list[Math.min(list.length - 1, Math.floor(random() * list.length))]!;
  return `${pick(ADJECTIVES)}_${pick(SURNAMES)}`;
}
