/**
 * Binary codecs for proto/ messages outside gRPC (Raft entries, snapshots, gossip packets…).
 *
 * Uses protobufjs on the same .proto files the type generator reads and the same conversion options
 * as src/lib/proto.ts, so a decoded object has the generated `__Output` shape: camelCase fields,
 * 64-bit integers as numbers, enums as strings, every field present.
 */
import protobuf from "protobufjs";
import { join } from "node:path";
import { PROTO_DIR } from "./proto.js";
import { ErrorCode, SwarmError } from "./errors.js";

/** Conversion options matching the generated `__Output` types. */
export const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  arrays: true,
  objects: true,
};

/** Bytes that do not decode as the expected message. */
export class DecodeError extends SwarmError {
  constructor(typeName: string, cause: unknown) {
    super(ErrorCode.Corrupt, `cannot decode ${typeName}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Encoder/decoder pair for one message type. */
export interface MessageCodec<In, Out> {
  encode(message: In): Uint8Array;
  /** Decodes bytes; throws {@link DecodeError} on malformed input. */
  decode(bytes: Uint8Array): Out;
}

const roots = new Map<string, protobuf.Root>();

/** Returns a codec for `typeName` (fully qualified, e.g. "swarm.store.StoreTransaction") from `file` in proto/. */
export function messageCodec<In extends object, Out>(file: string, typeName: string): MessageCodec<In, Out> {
  let root = roots.get(file);
  if (root === undefined) {
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith("/") ? target : join(PROTO_DIR, target));
    root.loadSync(file, { keepCase: false });
    roots.set(file, root);
  }
  const type = root.lookupType(typeName);
  return {
    encode: (message) => type.encode(type.fromObject(message)).finish(),
    decode: (bytes) => {
      try {
        return type.toObject(type.decode(bytes), TO_OBJECT_OPTIONS) as Out;
      } catch (err) {
        throw new DecodeError(typeName, err);
      }
    },
  };
}
