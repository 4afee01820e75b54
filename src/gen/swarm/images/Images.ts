// Original file: proto/images.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BlobChunk as _swarm_images_BlobChunk, BlobChunk__Output as _swarm_images_BlobChunk__Output } from '../../swarm/images/BlobChunk.js';
import type { GetBlobRequest as _swarm_images_GetBlobRequest, GetBlobRequest__Output as _swarm_images_GetBlobRequest__Output } from '../../swarm/images/GetBlobRequest.js';
import type { GetManifestRequest as _swarm_images_GetManifestRequest, GetManifestRequest__Output as _swarm_images_GetManifestRequest__Output } from '../../swarm/images/GetManifestRequest.js';
import type { GetManifestResponse as _swarm_images_GetManifestResponse, GetManifestResponse__Output as _swarm_images_GetManifestResponse__Output } from '../../swarm/images/GetManifestResponse.js';
import type { ListImagesRequest as _swarm_images_ListImagesRequest, ListImagesRequest__Output as _swarm_images_ListImagesRequest__Output } from '../../swarm/images/ListImagesRequest.js';
import type { ListImagesResponse as _swarm_images_ListImagesResponse, ListImagesResponse__Output as _swarm_images_ListImagesResponse__Output } from '../../swarm/images/ListImagesResponse.js';
import type { PushImageChunk as _swarm_images_PushImageChunk, PushImageChunk__Output as _swarm_images_PushImageChunk__Output } from '../../swarm/images/PushImageChunk.js';
import type { PushImageResponse as _swarm_images_PushImageResponse, PushImageResponse__Output as _swarm_images_PushImageResponse__Output } from '../../swarm/images/PushImageResponse.js';

/**
 * Images serves a manager's content store. Reads (GetManifest, GetBlob, ListImages) need any node
 * certificate of the cluster; PushImage needs a manager certificate or the manager's local socket.
 */
export interface ImagesClient extends grpc.Client {
  /**
   * GetBlob streams one blob from an offset (resumable downloads).
   */
  GetBlob(argument: _swarm_images_GetBlobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_images_BlobChunk__Output>;
  GetBlob(argument: _swarm_images_GetBlobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_images_BlobChunk__Output>;
  /**
   * GetBlob streams one blob from an offset (resumable downloads).
   */
  getBlob(argument: _swarm_images_GetBlobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_images_BlobChunk__Output>;
  getBlob(argument: _swarm_images_GetBlobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_images_BlobChunk__Output>;
  
  /**
   * GetManifest resolves a reference (name:tag, name@digest, manifest or config digest, id prefix).
   */
  GetManifest(argument: _swarm_images_GetManifestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  GetManifest(argument: _swarm_images_GetManifestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  GetManifest(argument: _swarm_images_GetManifestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  GetManifest(argument: _swarm_images_GetManifestRequest, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetManifest resolves a reference (name:tag, name@digest, manifest or config digest, id prefix).
   */
  getManifest(argument: _swarm_images_GetManifestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  getManifest(argument: _swarm_images_GetManifestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  getManifest(argument: _swarm_images_GetManifestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  getManifest(argument: _swarm_images_GetManifestRequest, callback: grpc.requestCallback<_swarm_images_GetManifestResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListImages lists the store's images with their tags.
   */
  ListImages(argument: _swarm_images_ListImagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _swarm_images_ListImagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _swarm_images_ListImagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _swarm_images_ListImagesRequest, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListImages lists the store's images with their tags.
   */
  listImages(argument: _swarm_images_ListImagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _swarm_images_ListImagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _swarm_images_ListImagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _swarm_images_ListImagesRequest, callback: grpc.requestCallback<_swarm_images_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * PushImage streams an image archive (OCI layout or `docker save` tar) in chunks; the manager loads
   * it into its store all-or-nothing once the stream ends and answers with what was loaded.
   */
  PushImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  PushImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  PushImage(options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  PushImage(callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  /**
   * PushImage streams an image archive (OCI layout or `docker save` tar) in chunks; the manager loads
   * it into its store all-or-nothing once the stream ends and answers with what was loaded.
   */
  pushImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  pushImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  pushImage(options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  pushImage(callback: grpc.requestCallback<_swarm_images_PushImageResponse__Output>): grpc.ClientWritableStream<_swarm_images_PushImageChunk>;
  
}

/**
 * Images serves a manager's content store. Reads (GetManifest, GetBlob, ListImages) need any node
 * certificate of the cluster; PushImage needs a manager certificate or the manager's local socket.
 */
export interface ImagesHandlers extends grpc.UntypedServiceImplementation {
  /**
   * GetBlob streams one blob from an offset (resumable downloads).
   */
  GetBlob: grpc.handleServerStreamingCall<_swarm_images_GetBlobRequest__Output, _swarm_images_BlobChunk>;
  
  /**
   * GetManifest resolves a reference (name:tag, name@digest, manifest or config digest, id prefix).
   */
  GetManifest: grpc.handleUnaryCall<_swarm_images_GetManifestRequest__Output, _swarm_images_GetManifestResponse>;
  
  /**
   * ListImages lists the store's images with their tags.
   */
  ListImages: grpc.handleUnaryCall<_swarm_images_ListImagesRequest__Output, _swarm_images_ListImagesResponse>;
  
  /**
   * PushImage streams an image archive (OCI layout or `docker save` tar) in chunks; the manager loads
   * it into its store all-or-nothing once the stream ends and answers with what was loaded.
   */
  PushImage: grpc.handleClientStreamingCall<_swarm_images_PushImageChunk__Output, _swarm_images_PushImageResponse>;
  
}

export interface ImagesDefinition extends grpc.ServiceDefinition {
  GetBlob: MethodDefinition<_swarm_images_GetBlobRequest, _swarm_images_BlobChunk, _swarm_images_GetBlobRequest__Output, _swarm_images_BlobChunk__Output>
  GetManifest: MethodDefinition<_swarm_images_GetManifestRequest, _swarm_images_GetManifestResponse, _swarm_images_GetManifestRequest__Output, _swarm_images_GetManifestResponse__Output>
  ListImages: MethodDefinition<_swarm_images_ListImagesRequest, _swarm_images_ListImagesResponse, _swarm_images_ListImagesRequest__Output, _swarm_images_ListImagesResponse__Output>
  PushImage: MethodDefinition<_swarm_images_PushImageChunk, _swarm_images_PushImageResponse, _swarm_images_PushImageChunk__Output, _swarm_images_PushImageResponse__Output>
}
