import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BlobChunk as _swarm_images_BlobChunk, BlobChunk__Output as _swarm_images_BlobChunk__Output } from './swarm/images/BlobChunk.js';
import type { GetBlobRequest as _swarm_images_GetBlobRequest, GetBlobRequest__Output as _swarm_images_GetBlobRequest__Output } from './swarm/images/GetBlobRequest.js';
import type { GetManifestRequest as _swarm_images_GetManifestRequest, GetManifestRequest__Output as _swarm_images_GetManifestRequest__Output } from './swarm/images/GetManifestRequest.js';
import type { GetManifestResponse as _swarm_images_GetManifestResponse, GetManifestResponse__Output as _swarm_images_GetManifestResponse__Output } from './swarm/images/GetManifestResponse.js';
import type { ImageSummary as _swarm_images_ImageSummary, ImageSummary__Output as _swarm_images_ImageSummary__Output } from './swarm/images/ImageSummary.js';
import type { ImagesClient as _swarm_images_ImagesClient, ImagesDefinition as _swarm_images_ImagesDefinition } from './swarm/images/Images.js';
import type { LayerDescriptor as _swarm_images_LayerDescriptor, LayerDescriptor__Output as _swarm_images_LayerDescriptor__Output } from './swarm/images/LayerDescriptor.js';
import type { ListImagesRequest as _swarm_images_ListImagesRequest, ListImagesRequest__Output as _swarm_images_ListImagesRequest__Output } from './swarm/images/ListImagesRequest.js';
import type { ListImagesResponse as _swarm_images_ListImagesResponse, ListImagesResponse__Output as _swarm_images_ListImagesResponse__Output } from './swarm/images/ListImagesResponse.js';
import type { LoadedImage as _swarm_images_LoadedImage, LoadedImage__Output as _swarm_images_LoadedImage__Output } from './swarm/images/LoadedImage.js';
import type { PushImageChunk as _swarm_images_PushImageChunk, PushImageChunk__Output as _swarm_images_PushImageChunk__Output } from './swarm/images/PushImageChunk.js';
import type { PushImageResponse as _swarm_images_PushImageResponse, PushImageResponse__Output as _swarm_images_PushImageResponse__Output } from './swarm/images/PushImageResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    images: {
      BlobChunk: MessageTypeDefinition<_swarm_images_BlobChunk, _swarm_images_BlobChunk__Output>
      GetBlobRequest: MessageTypeDefinition<_swarm_images_GetBlobRequest, _swarm_images_GetBlobRequest__Output>
      GetManifestRequest: MessageTypeDefinition<_swarm_images_GetManifestRequest, _swarm_images_GetManifestRequest__Output>
      GetManifestResponse: MessageTypeDefinition<_swarm_images_GetManifestResponse, _swarm_images_GetManifestResponse__Output>
      ImageSummary: MessageTypeDefinition<_swarm_images_ImageSummary, _swarm_images_ImageSummary__Output>
      /**
       * Images serves a manager's content store. Reads (GetManifest, GetBlob, ListImages) need any node
       * certificate of the cluster; PushImage needs a manager certificate or the manager's local socket.
       */
      Images: SubtypeConstructor<typeof grpc.Client, _swarm_images_ImagesClient> & { service: _swarm_images_ImagesDefinition }
      LayerDescriptor: MessageTypeDefinition<_swarm_images_LayerDescriptor, _swarm_images_LayerDescriptor__Output>
      ListImagesRequest: MessageTypeDefinition<_swarm_images_ListImagesRequest, _swarm_images_ListImagesRequest__Output>
      ListImagesResponse: MessageTypeDefinition<_swarm_images_ListImagesResponse, _swarm_images_ListImagesResponse__Output>
      LoadedImage: MessageTypeDefinition<_swarm_images_LoadedImage, _swarm_images_LoadedImage__Output>
      PushImageChunk: MessageTypeDefinition<_swarm_images_PushImageChunk, _swarm_images_PushImageChunk__Output>
      PushImageResponse: MessageTypeDefinition<_swarm_images_PushImageResponse, _swarm_images_PushImageResponse__Output>
    }
  }
}

