/**
 * The gRPC KV service (proto/kv.proto) over a RaftServer running a KvStateMachine, served by the
 * small HTTP/2 unary server in unary-server.ts (faster than grpc-js's Server here). Errors map to gRPC
 * status: bad input → INVALID_ARGUMENT; no leader / stopped → UNAVAILABLE; a proposal whose outcome is
 * unknown (timeout) → DEADLINE_EXCEEDED (the client must treat the write as maybe-applied).
 */
import * as grpc from "@grpc/grpc-js";
import type { ProtoGrpcType } from "../../gen/kv.js";
import { loadSync, type ServiceDefinition } from "@grpc/proto-loader";
import { join } from "node:path";
import type { PutRequest__Output } from "../../gen/swarm/kv/PutRequest.js";
import type { PutResponse } from "../../gen/swarm/kv/PutResponse.js";
import type { GetRequest__Output } from "../../gen/swarm/kv/GetRequest.js";
import type { GetResponse } from "../../gen/swarm/kv/GetResponse.js";
import type { DeleteRequest__Output } from "../../gen/swarm/kv/DeleteRequest.js";
import type { DeleteResponse } from "../../gen/swarm/kv/DeleteResponse.js";
import type { StatusRequest__Output } from "../../gen/swarm/kv/StatusRequest.js";
import type { StatusResponse } from "../../gen/swarm/kv/StatusResponse.js";
import { loadProto, PROTO_DIR, PROTO_LOADER_OPTIONS } from "../../lib/proto.js";
import { UnaryGrpcServer, UnaryStatusError, type UnaryHandler } from "./unary-server.js";
import { errorMessage, SwarmError, ErrorCode } from "../../lib/errors.js";
import type { RaftServer } from "../server/server.js";
import { RaftServerError, RaftServerErrorCode } from "../server/errors.js";
import { encodeKvCommand, MAX_KEY_BYTES, type KvApplyResult, type KvStateMachine } from "./state-machine.js";

let cached: ProtoGrpcType | null = null;
/** The loaded kv.proto package. */
export function kvProto(): ProtoGrpcType {
  cached ??= loadProto<ProtoGrpcType>("kv.proto");
  return cached;
}

function toStatus(err: unknown): UnaryStatusError {
  if (err instanceof UnaryStatusError) return err;
  if (err instanceof RaftServerError) {
    const code =
      err.code === RaftServerErrorCode.Timeout ? grpc.status.DEADLINE_EXCEEDED : err.code === RaftServerErrorCode.NotLeader ? grpc.status.FAILED_PRECONDITION : grpc.status.UNAVAILABLE;
    return new UnaryStatusError(code, err.message);
  }
  if (err instanceof SwarmError && err.code === ErrorCode.InvalidArgument) return new UnaryStatusError(grpc.status.INVALID_ARGUMENT, err.message);
  return new UnaryStatusError(grpc.status.INTERNAL, errorMessage(err));
}

function checkKey(key: string): void {
  const n = Buffer.byteLength(key);
  if (n === 0 || n > MAX_KEY_BYTES) throw new SwarmError(ErrorCode.InvalidArgument, `kv.key: ${n} bytes is not within 1..${MAX_KEY_BYTES}`);
}

function wrap<Req, Res extends object>(fn: (req: Req) => Promise<Res>): (req: Req) => Promise<Res> {
  return async (req) => {
    try {
      return await fn(req);
    } catch (err) {
      throw toStatus(err);
    }
  };
}

/** The KV service methods of one member (request object → response object). */
export function kvHandlers(raft: RaftServer<KvApplyResult>, sm: KvStateMachine): Record<string, UnaryHandler> {
  return {
    Put: wrap(async (req: PutRequest__Output): Promise<PutResponse> => {
      checkKey(req.key);
      const r = await raft.propose(encodeKvCommand({ op: "put", key: req.key, value: req.value }));
      return { revision: r.revision, existed: r.existed };
    }),
    Delete: wrap(async (req: DeleteRequest__Output): Promise<DeleteResponse> => {
      checkKey(req.key);
      const r = await raft.propose(encodeKvCommand({ op: "delete", key: req.key }));
      return { revision: r.revision, existed: r.existed };
    }),
    Get: wrap(async (req: GetRequest__Output): Promise<GetResponse> => {
      checkKey(req.key);
      if (!req.serializable) await raft.read();
      const v = sm.get(req.key);
      return { found: v !== null, value: v ?? Buffer.alloc(0), revision: sm.revision };
    }),
    Status: wrap(async (_req: StatusRequest__Output): Promise<StatusResponse> => {
      const s = raft.status();
      return { id: s.id, leader: s.leader, term: s.term, commit: s.commit, applied: s.applied, voters: s.confState.voters };
    }),
  };
}

/**
 * Starts the KV service on `listen` (gRPC wire protocol on node:http2, see unary-server.ts); returns
 * the server and the bound port.
 */
export async function startKvService(listen: string, raft: RaftServer<KvApplyResult>, sm: KvStateMachine): Promise<{ server: UnaryGrpcServer; port: number }> {
  const def = loadSync(join(PROTO_DIR, "kv.proto"), PROTO_LOADER_OPTIONS);
  const service = def["swarm.kv.KV"] as ServiceDefinition;
  const server = new UnaryGrpcServer(service, kvHandlers(raft, sm));
  try {
    const port = await server.listen(listen);
    return { server, port };
  } catch (err) {
    throw new RaftServerError(RaftServerErrorCode.Stopped, `kv: cannot listen on ${listen}: ${errorMessage(err)}`, { cause: err });
  }
}
