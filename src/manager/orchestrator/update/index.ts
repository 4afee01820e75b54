/** Rolling updates and rollbacks (see design/updater.md). */
export { Updater, reconcileUpdates, type UpdaterOptions } from "./updater.js";
export { planUpdate, isActiveUpdate, isRollbackState, isUp, upAt, updateConfigOf, failedInMonitor, UPDATE_UP_LABEL, type UpdatePlan, type PlanContext, type UpdateState } from "./plan.js";
export { isTaskDirty, sameValue } from "../../../spec/task-dirty.js";
