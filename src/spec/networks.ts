/** Network names shared by the manager's allocator and the worker's data plane. */

/** The network id of the cluster overlay in task attachments. */
export const OVERLAY_NETWORK_ID = "overlay";
