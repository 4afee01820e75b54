// Original file: proto/dispatcher.proto

import type { PortConfig as _swarm_api_PortConfig, PortConfig__Output as _swarm_api_PortConfig__Output } from '../../swarm/api/PortConfig.js';

/**
 * OverlayPeer is one node of the overlay.
 */
export interface _swarm_dispatcher_RoutesMessage_OverlayPeer {
  'nodeId'?: (string);
  /**
   * Addr is the node's underlay IP (its advertise address without the port).
   */
  'addr'?: (string);
  /**
   * TaskSubnet is the node's task subnet (CIDR); "" while not allocated.
   */
  'taskSubnet'?: (string);
}

/**
 * OverlayPeer is one node of the overlay.
 */
export interface _swarm_dispatcher_RoutesMessage_OverlayPeer__Output {
  'nodeId': (string);
  /**
   * Addr is the node's underlay IP (its advertise address without the port).
   */
  'addr': (string);
  /**
   * TaskSubnet is the node's task subnet (CIDR); "" while not allocated.
   */
  'taskSubnet': (string);
}

/**
 * RouteBackend is a task the mesh may forward to.
 */
export interface _swarm_dispatcher_RoutesMessage_RouteBackend {
  'taskId'?: (string);
  'nodeId'?: (string);
  /**
   * Addr is the task's overlay IP (no prefix).
   */
  'addr'?: (string);
}

/**
 * RouteBackend is a task the mesh may forward to.
 */
export interface _swarm_dispatcher_RoutesMessage_RouteBackend__Output {
  'taskId': (string);
  'nodeId': (string);
  /**
   * Addr is the task's overlay IP (no prefix).
   */
  'addr': (string);
}

/**
 * ServiceRoute is one service with published ports.
 */
export interface _swarm_dispatcher_RoutesMessage_ServiceRoute {
  'serviceId'?: (string);
  'ports'?: (_swarm_api_PortConfig)[];
  /**
   * Backends: tasks whose desired and observed state are RUNNING and whose health is not
   * STARTING or UNHEALTHY.
   */
  'backends'?: (_swarm_dispatcher_RoutesMessage_RouteBackend)[];
}

/**
 * ServiceRoute is one service with published ports.
 */
export interface _swarm_dispatcher_RoutesMessage_ServiceRoute__Output {
  'serviceId': (string);
  'ports': (_swarm_api_PortConfig__Output)[];
  /**
   * Backends: tasks whose desired and observed state are RUNNING and whose health is not
   * STARTING or UNHEALTHY.
   */
  'backends': (_swarm_dispatcher_RoutesMessage_RouteBackend__Output)[];
}

export interface RoutesMessage {
  'peers'?: (_swarm_dispatcher_RoutesMessage_OverlayPeer)[];
  'services'?: (_swarm_dispatcher_RoutesMessage_ServiceRoute)[];
}

export interface RoutesMessage__Output {
  'peers': (_swarm_dispatcher_RoutesMessage_OverlayPeer__Output)[];
  'services': (_swarm_dispatcher_RoutesMessage_ServiceRoute__Output)[];
}
