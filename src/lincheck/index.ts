/** Linearizability checker (Wing–Gong/Lowe with P-compositionality) and models. */
export { checkOperations, type CheckResult, type CheckVerdict, type CheckOptions } from "./checker.js";
export { kvModel, registerModel, type Model, type Operation, type KvInput, type KvOutput, type KvState, type RegisterInput } from "./model.js";
export { HistoryRecorder } from "./recorder.js";
