/**
 * Loads proto/ definitions for gRPC with the same options the type generator uses
 * (scripts/gen-proto.mjs), so runtime objects match the generated `__Output` types:
 * camelCase fields, 64-bit integers as numbers, enums as strings, defaults filled in.
 */
import { loadSync, type Options } from "@grpc/proto-loader";
import { loadPackageDefinition, type GrpcObject } from "@grpc/grpc-js";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

/** Directory holding the .proto files (works from src/ under tsx and from dist/ after build). */
export const PROTO_DIR = findProtoDir();

function findProtoDir(): string {
  // src/lib/proto.ts → ../../proto ; dist/src/lib/proto.js → ../../../proto
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${"/dist/"}`) ? join(here, "../../../proto") : join(here, "../../proto");
}

/** Loader options; keep in sync with the flags in scripts/gen-proto.mjs. */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** Loads one proto file (by name, e.g. "raft.proto") into a gRPC object tree. */
export function loadProto<T = GrpcObject>(file: string): T {
  const definition = loadSync(join(PROTO_DIR, file), PROTO_LOADER_OPTIONS);
  return loadPackageDefinition(definition) as unknown as T;
}
