// Original file: proto/images.proto

import type { ImageSummary as _swarm_images_ImageSummary, ImageSummary__Output as _swarm_images_ImageSummary__Output } from '../../swarm/images/ImageSummary.js';

export interface ListImagesResponse {
  'images'?: (_swarm_images_ImageSummary)[];
}

export interface ListImagesResponse__Output {
  'images': (_swarm_images_ImageSummary__Output)[];
}
