// Original file: proto/gossip.proto

export const MemberState = {
  MEMBER_ALIVE: 'MEMBER_ALIVE',
  MEMBER_SUSPECT: 'MEMBER_SUSPECT',
  MEMBER_DEAD: 'MEMBER_DEAD',
  MEMBER_LEFT: 'MEMBER_LEFT',
} as const;

export type MemberState =
  | 'MEMBER_ALIVE'
  | 0
  | 'MEMBER_SUSPECT'
  | 1
  | 'MEMBER_DEAD'
  | 2
  | 'MEMBER_LEFT'
  | 3

export type MemberState__Output = typeof MemberState[keyof typeof MemberState]
