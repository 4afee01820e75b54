/**
 * A promise-based client of the KV service, for tests, the benchmark and scripts.
 */
import * as grpc from "@grpc/grpc-js";
import type { KVClient } from "../../gen/swarm/kv/KV.js";
import type { StatusResponse__Output } from "../../gen/swarm/kv/StatusResponse.js";
import { kvProto } from "./service.js";

/** A KV client bound to one member. */
export class KvClient {
  private readonly client: KVClient;

  constructor(
    readonly address: string,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  ) {
    this.client = new (kvProto().swarm.kv.KV)(address, credentials);
  }

  private deadline(ms: number): grpc.CallOptions {
    return { deadline: Date.now() + ms };
  }

  /** Writes a value; resolves with the revision. */
  put(key: string, value: Buffer, timeoutMs = 10_000): Promise<{ revision: number; existed: boolean }> {
    return new Promise((resolve, reject) => {
      this.client.put({ key, value }, this.deadline(timeoutMs), (err, res) => (err || res === undefined ? reject(err ?? new Error("no response")) : resolve(res)));
    });
  }

  /** Reads a value (linearizable unless `serializable`); null when absent. */
  get(key: string, options: { serializable?: boolean; timeoutMs?: number } = {}): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      this.client.get({ key, serializable: options.serializable ?? false }, this.deadline(options.timeoutMs ?? 10_000), (err, res) =>
        err || res === undefined ? reject(err ?? new Error("no response")) : resolve(res.found ? res.value : null),
      );
    });
  }

  /** Deletes a key. */
  delete(key: string, timeoutMs = 10_000): Promise<{ revision: number; existed: boolean }> {
    return new Promise((resolve, reject) => {
      this.client.delete({ key }, this.deadline(timeoutMs), (err, res) => (err || res === undefined ? reject(err ?? new Error("no response")) : resolve(res)));
    });
  }

  /** The member's Raft status. */
  status(timeoutMs = 2000): Promise<StatusResponse__Output> {
    return new Promise((resolve, reject) => {
      this.client.status({}, this.deadline(timeoutMs), (err, res) => (err || res === undefined ? reject(err ?? new Error("no response")) : resolve(res)));
    });
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }
}
