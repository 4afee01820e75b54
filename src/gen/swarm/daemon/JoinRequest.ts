// Original file: proto/daemon.proto


export interface JoinRequest {
  /**
   * RemoteAddrs of managers to try ("host:port").
   */
  'remoteAddrs'?: (string)[];
  'joinToken'?: (string);
  'listenAddr'?: (string);
  'advertiseAddr'?: (string);
}

export interface JoinRequest__Output {
  /**
   * RemoteAddrs of managers to try ("host:port").
   */
  'remoteAddrs': (string)[];
  'joinToken': (string);
  'listenAddr': (string);
  'advertiseAddr': (string);
}
