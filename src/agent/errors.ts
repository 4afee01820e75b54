/** Errors of the node agent: one class, stable codes, messages naming the task and the field. */
import { SwarmError } from "../lib/errors.js";

/** Codes of agent errors. */
export const AgentErrorCode = {
  /** The task's spec cannot run on this node (no container spec, unsupported mount, bad health check). */
  InvalidSpec: "AGENT_INVALID_SPEC",
  /** The task's image is not in the node's image store. */
  ImageNotFound: "AGENT_IMAGE_NOT_FOUND",
  /** No such task on this agent (logs of an unknown task). */
  TaskNotFound: "AGENT_TASK_NOT_FOUND",
  /** The agent was stopped or closed. */
  Closed: "AGENT_CLOSED",
  /** A persisted task record is unreadable. */
  CorruptRecord: "AGENT_CORRUPT_RECORD",
} as const;

/** One of {@link AgentErrorCode}. */
export type AgentErrorCode = (typeof AgentErrorCode)[keyof typeof AgentErrorCode];

/** An agent failure. */
export class AgentError extends SwarmError {
  constructor(code: AgentErrorCode, message: string, options: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}
