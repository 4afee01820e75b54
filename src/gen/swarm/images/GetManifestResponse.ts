// Original file: proto/images.proto

import type { LayerDescriptor as _swarm_images_LayerDescriptor, LayerDescriptor__Output as _swarm_images_LayerDescriptor__Output } from '../../swarm/images/LayerDescriptor.js';
import type { Long } from '@grpc/proto-loader';

export interface GetManifestResponse {
  'manifestDigest'?: (string);
  /**
   * Manifest is the manifest blob exactly as stored (its sha256 is manifest_digest).
   */
  'manifest'?: (Buffer | Uint8Array | string);
  'configDigest'?: (string);
  'configSize'?: (number | string | Long);
  'layers'?: (_swarm_images_LayerDescriptor)[];
  /**
   * Tags of the image in the manager's store.
   */
  'tags'?: (string)[];
}

export interface GetManifestResponse__Output {
  'manifestDigest': (string);
  /**
   * Manifest is the manifest blob exactly as stored (its sha256 is manifest_digest).
   */
  'manifest': (Buffer);
  'configDigest': (string);
  'configSize': (number);
  'layers': (_swarm_images_LayerDescriptor__Output)[];
  /**
   * Tags of the image in the manager's store.
   */
  'tags': (string)[];
}
