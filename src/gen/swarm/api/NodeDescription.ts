// Original file: proto/types.proto

import type { Platform as _swarm_api_Platform, Platform__Output as _swarm_api_Platform__Output } from '../../swarm/api/Platform.js';
import type { Resources as _swarm_api_Resources, Resources__Output as _swarm_api_Resources__Output } from '../../swarm/api/Resources.js';
import type { EngineDescription as _swarm_api_EngineDescription, EngineDescription__Output as _swarm_api_EngineDescription__Output } from '../../swarm/api/EngineDescription.js';

/**
 * NodeDescription is what a node reports about itself when it connects to the dispatcher.
 */
export interface NodeDescription {
  /**
   * Hostname of the node as reported by the agent (not the user-set annotations name).
   */
  'hostname'?: (string);
  /**
   * Platform of the node.
   */
  'platform'?: (_swarm_api_Platform | null);
  /**
   * Resources is the total capacity of the node.
   */
  'resources'?: (_swarm_api_Resources | null);
  /**
   * Engine describes the engine on the node.
   */
  'engine'?: (_swarm_api_EngineDescription | null);
}

/**
 * NodeDescription is what a node reports about itself when it connects to the dispatcher.
 */
export interface NodeDescription__Output {
  /**
   * Hostname of the node as reported by the agent (not the user-set annotations name).
   */
  'hostname': (string);
  /**
   * Platform of the node.
   */
  'platform': (_swarm_api_Platform__Output | null);
  /**
   * Resources is the total capacity of the node.
   */
  'resources': (_swarm_api_Resources__Output | null);
  /**
   * Engine describes the engine on the node.
   */
  'engine': (_swarm_api_EngineDescription__Output | null);
}
