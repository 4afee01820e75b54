// Original file: proto/gossip.proto


export interface Ack {
  'seqNo'?: (number);
}

export interface Ack__Output {
  'seqNo': (number);
}
