// Original file: proto/specs.proto


/**
 * GlobalService runs one task on every node that satisfies the placement constraints.
 */
export interface GlobalService {
}

/**
 * GlobalService runs one task on every node that satisfies the placement constraints.
 */
export interface GlobalService__Output {
}
