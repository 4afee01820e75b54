// Original file: proto/images.proto

import type { LoadedImage as _swarm_images_LoadedImage, LoadedImage__Output as _swarm_images_LoadedImage__Output } from '../../swarm/images/LoadedImage.js';

export interface PushImageResponse {
  'images'?: (_swarm_images_LoadedImage)[];
}

export interface PushImageResponse__Output {
  'images': (_swarm_images_LoadedImage__Output)[];
}
