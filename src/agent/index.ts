/** Public surface of the node agent (what the daemon imports). */
export { Agent, type AgentOptions } from "./agent.js";
export type { Controller, ProbeResult, TaskExit } from "./controller.js";
export { AgentError, AgentErrorCode } from "./errors.js";
export { HEALTH_DEFAULTS, resolveHealthPolicy, type HealthPolicy } from "./health-policy.js";
export { loopbackNetwork, RuntimeController, taskImageRef, taskLogPath, type NetworkHook, type TaskNetwork } from "./runtime-controller.js";
export { applyEvent, nextAction, wantsStop, type TaskAction, type TaskEvent, type TaskHealth } from "./task-machine.js";
export { readTaskLog, type TaskLogLine, type TaskLogOptions } from "./task-logs.js";
export { DEFAULT_STOP_GRACE_MS, TaskRunner } from "./task-runner.js";
