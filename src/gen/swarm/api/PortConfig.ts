// Original file: proto/types.proto


// Original file: proto/types.proto

/**
 * Protocol of the port.
 */
export const _swarm_api_PortConfig_Protocol = {
  /**
   * TCP (the default).
   */
  TCP: 'TCP',
  /**
   * UDP.
   */
  UDP: 'UDP',
} as const;

/**
 * Protocol of the port.
 */
export type _swarm_api_PortConfig_Protocol =
  /**
   * TCP (the default).
   */
  | 'TCP'
  | 0
  /**
   * UDP.
   */
  | 'UDP'
  | 1

/**
 * Protocol of the port.
 */
export type _swarm_api_PortConfig_Protocol__Output = typeof _swarm_api_PortConfig_Protocol[keyof typeof _swarm_api_PortConfig_Protocol]

// Original file: proto/types.proto

/**
 * ProxyProtocol is the PROXY protocol header the routing mesh sends to the task ahead of the
 * client's bytes, so the task learns the client address (opt-in; TCP for V1).
 */
export const _swarm_api_PortConfig_ProxyProtocol = {
  /**
   * NONE: no header (the default).
   */
  NONE: 'NONE',
  /**
   * V1: HAProxy's text header ("PROXY TCP4 ...\r\n"), TCP only.
   */
  V1: 'V1',
  /**
   * V2: HAProxy's binary header (TCP or UDP).
   */
  V2: 'V2',
} as const;

/**
 * ProxyProtocol is the PROXY protocol header the routing mesh sends to the task ahead of the
 * client's bytes, so the task learns the client address (opt-in; TCP for V1).
 */
export type _swarm_api_PortConfig_ProxyProtocol =
  /**
   * NONE: no header (the default).
   */
  | 'NONE'
  | 0
  /**
   * V1: HAProxy's text header ("PROXY TCP4 ...\r\n"), TCP only.
   */
  | 'V1'
  | 1
  /**
   * V2: HAProxy's binary header (TCP or UDP).
   */
  | 'V2'
  | 2

/**
 * ProxyProtocol is the PROXY protocol header the routing mesh sends to the task ahead of the
 * client's bytes, so the task learns the client address (opt-in; TCP for V1).
 */
export type _swarm_api_PortConfig_ProxyProtocol__Output = typeof _swarm_api_PortConfig_ProxyProtocol[keyof typeof _swarm_api_PortConfig_ProxyProtocol]

// Original file: proto/types.proto

/**
 * PublishMode says where the published port listens.
 */
export const _swarm_api_PortConfig_PublishMode = {
  /**
   * INGRESS: every node listens and forwards through the routing mesh (the default).
   */
  INGRESS: 'INGRESS',
  /**
   * HOST: only nodes running a task listen, straight to that task; two tasks publishing the same
   * host port cannot share a node.
   */
  HOST: 'HOST',
} as const;

/**
 * PublishMode says where the published port listens.
 */
export type _swarm_api_PortConfig_PublishMode =
  /**
   * INGRESS: every node listens and forwards through the routing mesh (the default).
   */
  | 'INGRESS'
  | 0
  /**
   * HOST: only nodes running a task listen, straight to that task; two tasks publishing the same
   * host port cannot share a node.
   */
  | 'HOST'
  | 1

/**
 * PublishMode says where the published port listens.
 */
export type _swarm_api_PortConfig_PublishMode__Output = typeof _swarm_api_PortConfig_PublishMode[keyof typeof _swarm_api_PortConfig_PublishMode]

/**
 * PortConfig is one published port of a service.
 */
export interface PortConfig {
  /**
   * Name is an optional label for the port.
   */
  'name'?: (string);
  /**
   * Protocol of the port.
   */
  'protocol'?: (_swarm_api_PortConfig_Protocol);
  /**
   * TargetPort is the port inside the container.
   */
  'targetPort'?: (number);
  /**
   * PublishedPort is the port on the nodes; 0 asks the allocator to choose one (ingress mode).
   */
  'publishedPort'?: (number);
  /**
   * PublishMode of the port.
   */
  'publishMode'?: (_swarm_api_PortConfig_PublishMode);
  /**
   * ProxyProtocol header sent by the mesh.
   */
  'proxyProtocol'?: (_swarm_api_PortConfig_ProxyProtocol);
}

/**
 * PortConfig is one published port of a service.
 */
export interface PortConfig__Output {
  /**
   * Name is an optional label for the port.
   */
  'name': (string);
  /**
   * Protocol of the port.
   */
  'protocol': (_swarm_api_PortConfig_Protocol__Output);
  /**
   * TargetPort is the port inside the container.
   */
  'targetPort': (number);
  /**
   * PublishedPort is the port on the nodes; 0 asks the allocator to choose one (ingress mode).
   */
  'publishedPort': (number);
  /**
   * PublishMode of the port.
   */
  'publishMode': (_swarm_api_PortConfig_PublishMode__Output);
  /**
   * ProxyProtocol header sent by the mesh.
   */
  'proxyProtocol': (_swarm_api_PortConfig_ProxyProtocol__Output);
}
