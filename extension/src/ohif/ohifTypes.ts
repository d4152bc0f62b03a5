/**
 * The parts of OHIF 3.13 and cornerstone3D 5.6 this extension uses, typed by hand: the
 * @ohif/* npm packages cannot be installed as libraries and cornerstone must come from the host.
 */
export interface PubSub {
  subscribe(event: string, callback: (payload: unknown) => void): { unsubscribe(): void };
  EVENTS: Record<string, string>;
}

export interface DisplaySet {
  displaySetInstanceUID: string;
  Modality: string;
  SeriesDescription?: string;
  SeriesInstanceUID: string;
  StudyInstanceUID: string;
  imageIds?: string[];
  isReconstructable?: boolean;
  numImageFrames?: number;
  instances?: unknown[];
}

export interface Services {
  viewportGridService: PubSub & {
    getActiveViewportId(): string;
    getState(): { viewports: Map<string, { displaySetInstanceUIDs: string[] }> };
  };
  displaySetService: PubSub & { getDisplaySetByUID(uid: string): DisplaySet | undefined };
  cornerstoneViewportService: { getCornerstoneViewport(viewportId: string): CornerstoneViewport | null };
  segmentationService: PubSub & {
    createLabelmapForDisplaySet(
      displaySet: DisplaySet,
      options: { label: string; segments: Record<number, SegmentInfo> },
    ): Promise<string>;
    addSegmentationRepresentation(viewportId: string, options: { segmentationId: string }): Promise<void>;
    getSegmentation(id: string): { representationData: { Labelmap?: { imageIds: string[] } } } | undefined;
    getSegmentations(): {
      segmentationId: string;
      label: string;
      /** By segment index (1…); OHIF keeps null where a segment was removed. */
      segments?: Record<number, (SegmentInfo & { segmentIndex?: number }) | null | undefined>;
    }[];
    /** The viewports showing a representation of the segmentation. */
    getViewportIdsWithSegmentation(segmentationId: string): string[];
    /** Renames a segmentation, as OHIF's segmentation panel does. */
    addOrUpdateSegmentation(data: { segmentationId: string; label: string }): void;
    setSegmentColor(viewportId: string, segmentationId: string, segmentIndex: number, color: number[]): void;
    remove(segmentationId: string): void;
  };
  uiNotificationService: {
    show(options: {
      title: string;
      message: string;
      type: 'info' | 'success' | 'error' | 'warning';
      duration?: number;
    }): void;
  };
  /** OHIF's customizations (mode scope by default); `$set` replaces a value. */
  customizationService?: {
    getCustomization(id: string): unknown;
    setCustomizations(customizations: Record<string, { $set: unknown }>): void;
  };
  /** Present when the app has user authentication; its header goes with our STOW-RS requests. */
  userAuthenticationService?: { getAuthorizationHeader?(): Record<string, string> | undefined };
}

export interface SegmentInfo {
  label: string;
  algorithmType?: string;
  algorithmName?: string;
  active?: boolean;
}

export interface CornerstoneViewport {
  type: string;
  id: string;
  getImageIds(): string[];
  getCurrentImageId?(): string;
  getCurrentImageIdIndex?(): number;
  getVolumeId?(): string;
  /** Stack viewports: shows image `index` of getImageIds(). */
  setImageIdIndex?(index: number): Promise<unknown>;
  /** The viewport's element, where cornerstone dispatches its new-image events. */
  element?: HTMLElement;
  /** What the viewport shows, overlays included (a report's picture). */
  canvas?: HTMLCanvasElement;
  /** World position (mm) of a point on the canvas (CSS pixels from its top left). */
  canvasToWorld?(canvasPoint: [number, number]): [number, number, number];
  render(): void;
}

export interface ImageVolume {
  volumeId: string;
  imageIds: string[];
  dimensions: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  direction: ArrayLike<number>;
  loadStatus?: { loaded: boolean; loading: boolean };
  load(callback?: () => void): void;
}

/** An image in cornerstone's cache: a decoded source image, or a labelmap image over one. */
export interface CachedImage {
  rows: number;
  columns: number;
  referencedImageId?: string;
  /** The decoded pixels (source images); labelmaps write through `voxelManager`. */
  getPixelData(): ArrayLike<number>;
  /** Whether decoding already applied the modality LUT (RescaleSlope/Intercept). */
  preScale?: { scaled?: boolean };
  voxelManager: { getScalarData(): Uint8Array };
}

/** OHIF's providers answer 'instance' with the image's naturalized DICOM header. */
export interface MetaDataProvider {
  get(type: string, imageId: string): Record<string, unknown> | undefined;
}

export interface CornerstoneLibraries {
  cornerstone: {
    cache: {
      getVolume(id: string): ImageVolume | undefined;
      getImage(id: string): CachedImage | undefined;
    };
    metaData: MetaDataProvider;
    volumeLoader: { createAndCacheVolume(id: string, options: { imageIds: string[] }): Promise<ImageVolume> };
    eventTarget: EventTarget;
    Enums: { Events: Record<string, string> };
  };
  cornerstoneTools: {
    segmentation: {
      triggerSegmentationEvents: { triggerSegmentationDataModified(segmentationId: string): void };
      config: {
        style: { setStyle(specifier: object, style: object): void };
        /** A representation's visibility in a viewport: what OHIF's segmentation panel shows and toggles. */
        visibility: {
          setSegmentationRepresentationVisibility(
            viewportId: string,
            specifier: { segmentationId: string; type: string },
            visible: boolean,
          ): void;
          getSegmentationRepresentationVisibility(
            viewportId: string,
            specifier: { segmentationId: string; type: string },
          ): boolean | undefined;
        };
      };
    };
    Enums: { SegmentationRepresentations: { Labelmap: string } };
  };
}

/** A data source as app-config.js lists it. */
export interface DataSourceDefinition {
  sourceName: string;
  namespace: string;
  configuration?: {
    friendlyName?: string;
    qidoRoot?: string;
    wadoRoot?: string;
    stowRoot?: string;
  };
}

export interface ExtensionManager {
  getModuleEntry(id: string): { exports: { getCornerstoneLibraries(): CornerstoneLibraries } } | undefined;
  getActiveDataSourceDefinition?(): DataSourceDefinition | undefined;
}

export interface CommandsManager {
  runCommand(name: string, options?: object, context?: string): unknown;
}

export interface XaiClipConfig {
  /** Model manifests; the first whose modalities include the series' modality is used. */
  models: { url: string; modalities: string[] }[];
  /** Execution providers tried in order. */
  executionProviders?: string[];
  /**
   * onnxruntime-web's WASM threads (they need a cross-origin isolated page); unset: one per core
   * but one. Read when the worker loads its first model.
   */
  wasmThreads?: number;
  /**
   * Paint the running map while a run goes on (default true); false: the map appears when the
   * run ends. The final map is the same either way.
   */
  runningMaps?: boolean;
  /**
   * The organ survey on opening a series (where the organ is, slice by slice): off with
   * `enabled: false`; its own execution providers (default: executionProviders), e.g. WASM
   * where WebGPU is a slow software adapter.
   */
  survey?: { enabled?: boolean; executionProviders?: string[] };
  defaults?: Partial<{
    organ: string;
    method: string;
    roi: string;
    scope: string;
    windowMm: number;
    strideMm: number;
    samples: number;
  }>;
}
