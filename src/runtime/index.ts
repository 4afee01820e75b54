/** Public surface of the runtime driver (what the agent imports). */
export { RUNTIME_BINARY } from "../lib/runtime-binary.js";
export {
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  buildOciConfig,
  mergeEnv,
  resolveArgv,
  resolveUser,
  type BindMount,
  type ContainerResources,
  type ContainerSpecInput,
  type ImageProcessConfig,
  type UserDatabase,
} from "./config-builder.js";
export { InvalidContainerSpecError, RuntimeCommandError, RuntimeErrorCode } from "./errors.js";
export { followContainerLog, parseCriLog, readContainerLog, readLogBatches, type FollowOptions, type LogEntry, type LogStream } from "./logs.js";
export type { OciConfig } from "./oci.js";
export {
  Container,
  DEFAULT_LOG_MAX_FILES,
  DEFAULT_LOG_MAX_SIZE,
  DEFAULT_STATE_ROOT,
  Runtime,
  writeBundle,
  type ContainerState,
  type ContainerStatus,
  type CreateOptions,
  type ExitStatus,
  type RuntimeOptions,
  type StopOptions,
} from "./runtime.js";
