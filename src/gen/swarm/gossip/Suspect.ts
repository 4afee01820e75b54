// Original file: proto/gossip.proto


export interface Suspect {
  'incarnation'?: (number);
  'node'?: (string);
  'from'?: (string);
}

export interface Suspect__Output {
  'incarnation': (number);
  'node': (string);
  'from': (string);
}
