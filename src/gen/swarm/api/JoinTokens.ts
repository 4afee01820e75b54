// Original file: proto/types.proto


/**
 * JoinTokens are the current secrets to join a cluster as a worker or a manager.
 */
export interface JoinTokens {
  /**
   * Worker token: SWMTKN-1-<CA digest>-<secret>.
   */
  'worker'?: (string);
  /**
   * Manager token: SWMTKN-1-<CA digest>-<secret>.
   */
  'manager'?: (string);
}

/**
 * JoinTokens are the current secrets to join a cluster as a worker or a manager.
 */
export interface JoinTokens__Output {
  /**
   * Worker token: SWMTKN-1-<CA digest>-<secret>.
   */
  'worker': (string);
  /**
   * Manager token: SWMTKN-1-<CA digest>-<secret>.
   */
  'manager': (string);
}
