/**
 * The gRPC KV service (proto/kv.proto) over a RaftServer running a KvStateMachine. Errors map to gRPC
 * status: bad input → INVALID_ARGUMENT; no leader / stopped → UNAVAILABLE; a proposal whose outcome is
 * unknown (timeout) → DEADLINE_EXCEEDED (the client must treat the write as maybe-applied).
 */
import * as grpc from "@grpc/grpc-js";
import type { ProtoGrpcType } from "../../gen/kv.js";
import type { KVHandlers } from "../../gen/swarm/kv/KV.js";
import { loadProto } from "../../lib/proto.js";
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

function toStatus(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof RaftServerError) {
    const code =
      err.code === RaftServerErrorCode.Timeout ? grpc.status.DEADLINE_EXCEEDED : err.code === RaftServerErrorCode.NotLeader ? grpc.status.FAILED_PRECONDITION : grpc.status.UNAVAILABLE;
    return { code, details: err.message };
  }
  if (err instanceof SwarmError && err.code === ErrorCode.InvalidArgument) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  return { code: grpc.status.INTERNAL, details: errorMessage(err) };
}

function checkKey(key: string): void {
  const n = Buffer.byteLength(key);
  if (n === 0 || n > MAX_KEY_BYTES) throw new SwarmError(ErrorCode.InvalidArgument, `kv.key: ${n} bytes is not within 1..${MAX_KEY_BYTES}`);
}

/** Builds the KV service handlers for one member. */
export function kvHandlers(raft: RaftServer<KvApplyResult>, sm: KvStateMachine): KVHandlers {
  const write = <T>(cb: grpc.sendUnaryData<T>, run: () => Promise<T>): void => {
    run().then(
      (res) => cb(null, res),
      (err: unknown) => cb(toStatus(err)),
    );
  };
  return {
    Put: (call, cb) =>
      write(cb, async () => {
        checkKey(call.request.key);
        const r = await raft.propose(encodeKvCommand({ op: "put", key: call.request.key, value: call.request.value }));
        return { revision: r.revision, existed: r.existed };
      }),
    Delete: (call, cb) =>
      write(cb, async () => {
        checkKey(call.request.key);
        const r = await raft.propose(encodeKvCommand({ op: "delete", key: call.request.key }));
        return { revision: r.revision, existed: r.existed };
      }),
    Get: (call, cb) =>
      write(cb, async () => {
        checkKey(call.request.key);
        if (!call.request.serializable) await raft.read();
        const v = sm.get(call.request.key);
        return { found: v !== null, value: v ?? Buffer.alloc(0), revision: sm.revision };
      }),
    Status: (_call, cb) => {
      const s = raft.status();
      cb(null, { id: s.id, leader: s.leader, term: s.term, commit: s.commit, applied: s.applied, voters: s.confState.voters });
    },
  };
}

/** Starts a gRPC server with the KV service on `listen`; returns it and the bound port. */
export async function startKvService(listen: string, raft: RaftServer<KvApplyResult>, sm: KvStateMachine, credentials?: grpc.ServerCredentials): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(kvProto().swarm.kv.KV.service, kvHandlers(raft, sm));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(listen, credentials ?? grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(new RaftServerError(RaftServerErrorCode.Stopped, `kv: cannot listen on ${listen}: ${err.message}`, { cause: err })) : resolve(p)));
  });
  return { server, port };
}
