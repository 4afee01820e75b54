// Original file: proto/gossip.proto


export interface Nack {
  'seqNo'?: (number);
}

export interface Nack__Output {
  'seqNo': (number);
}
