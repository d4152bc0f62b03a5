import { HEATMAP_AIR, heatmapSlice } from '../engine/saliency/heatmapSlice';
import { infernoColor } from '../engine/saliency/infernoColor';
import { CornerstoneLibraries, CornerstoneViewport, Services } from './ohifTypes';
import { SeriesLayout } from './SeriesLayout';

/** How the heatmap is drawn: saliency below `threshold` (fraction of the maximum) is transparent. */
export interface HeatmapStyle {
  threshold: number;
  opacity: number;
}

/** Inferno is sampled this finely for the colour transfer function (vtk interpolates between). */
const COLOR_STOPS = 32;

/** The few vtk.js objects the layer touches, created by the host's own cornerstone (never bundled). */
interface VtkImageData {
  setOrigin(origin: number[]): void;
  modified(): void;
  getPointData(): { getScalars(): { getData(): Float32Array; modified(): void } };
}
interface VtkImageSlice {
  setVisibility(visible: boolean): void;
  setForceTranslucent?(translucent: boolean): void;
  getProperty(): {
    setRGBTransferFunction(index: number, transferFunction: unknown): void;
    setUseLookupTableScalarRange(use: boolean): void;
    setInterpolationTypeToLinear(): void;
  };
}
type ImageGeometry = { origin: number[]; direction: number[]; dimensions: number[]; spacing: number[] };

/** A stack viewport as the layer uses it: its own helpers to make and hold extra image actors. */
interface StackViewportActors extends CornerstoneViewport {
  element: HTMLElement;
  getCurrentImageId(): string;
  getImageDataMetadata(image: object): ImageGeometry;
  createVTKImageData(
    options: ImageGeometry & { numberOfComponents: 1; pixelArray: Float32Array },
  ): VtkImageData;
  createActorMapper(imageData: VtkImageData): VtkImageSlice;
  addActor(entry: { uid: string; actor: VtkImageSlice }): void;
  getActor(uid: string): { actor: VtkImageSlice } | undefined;
  removeActors(uids: string[]): void;
  render(): void;
}

/** What the layer needs of cornerstone core besides ohifTypes' (the transfer functions' factories). */
interface HeatmapCornerstone {
  cache: { getImage(imageId: string): object | undefined };
  Enums: { Events: Record<string, string> };
  utilities: {
    createLinearRGBTransferFunction(range: { lower: number; upper: number }): {
      removeAllPoints(): void;
      addRGBPoint(x: number, r: number, g: number, b: number): void;
    };
    colormap: {
      updateOpacityMapping(
        actor: VtkImageSlice,
        mapping: { value: number; opacity: number }[],
        overall: number,
      ): void;
    };
  };
}

/**
 * A run's saliency as a continuous heatmap over a stack viewport: one extra image actor (as
 * cornerstone draws image labelmaps) holding the shown slice's saliency as a float image, coloured
 * by inferno over 0…1 of the maximum, transparent below the threshold and in air (the body mask),
 * and refilled from the run's map whenever the viewport shows another image. Drawn only on a
 * stack viewport (OHIF's default layout): `canShow` says whether the run's viewport is one.
 */
export class HeatmapLayer {
  private readonly actorUid: string;
  private readonly max: number;
  private style: HeatmapStyle;
  /** The viewport element followed for new images while shown. */
  private followed?: { element: HTMLElement; listener: () => void };
  /** Each actor's image, to refill it (the actor's mapper holds it too, behind vtk types). */
  private readonly imageData = new WeakMap<VtkImageSlice, VtkImageData>();

  constructor(
    private readonly services: Services,
    private readonly libraries: () => CornerstoneLibraries,
    private readonly series: SeriesLayout,
    private readonly saliency: Float32Array,
    private readonly body: Uint8Array,
    /** `max`: the saliency's maximum (the heatmap's 1); `id`: unique among the session's heatmaps. */
    { max, style, id }: { max: number; style: HeatmapStyle; id: string },
  ) {
    this.max = max;
    this.style = style;
    this.actorUid = `xai-clip-heatmap-${id}`;
  }

  /** Adds the heatmap to its viewport if it is not there, and draws the slice shown. */
  show(): void {
    const viewport = this.viewport();
    if (!viewport) return;
    const actor = viewport.getActor(this.actorUid)?.actor ?? this.addActor(viewport);
    if (!actor) return;
    this.applyStyle(actor);
    if (this.followed?.element !== viewport.element) {
      this.unfollow();
      const listener = () => this.drawShownSlice();
      viewport.element.addEventListener(this.cornerstone().Enums.Events.STACK_NEW_IMAGE, listener);
      this.followed = { element: viewport.element, listener };
    }
    this.drawShownSlice();
  }

  /** Removes the heatmap from its viewport (a hidden or removed run). */
  hide(): void {
    this.unfollow();
    const viewport = this.viewport();
    if (!viewport?.getActor(this.actorUid)) return;
    viewport.removeActors([this.actorUid]);
    viewport.render();
  }

  setStyle(style: HeatmapStyle): void {
    this.style = style;
    const viewport = this.viewport();
    const actor = viewport?.getActor(this.actorUid)?.actor;
    if (!viewport || !actor) return;
    this.applyStyle(actor);
    viewport.render();
  }

  /** Whether the run's viewport can show the heatmap (a stack viewport; not an MPR one). */
  canShow(): boolean {
    return this.viewport() !== undefined;
  }

  /** The run's viewport, if it is a stack viewport (the only kind the layer draws on). */
  private viewport(): StackViewportActors | undefined {
    const viewport = this.services.cornerstoneViewportService.getCornerstoneViewport(this.series.viewportId);
    return viewport && 'createActorMapper' in viewport ? (viewport as StackViewportActors) : undefined;
  }

  private cornerstone(): HeatmapCornerstone {
    return this.libraries().cornerstone as unknown as HeatmapCornerstone;
  }

  /** A float image actor the size of a slice, in the viewport (none if no image is shown yet). */
  private addActor(viewport: StackViewportActors): VtkImageSlice | undefined {
    const image = this.cornerstone().cache.getImage(viewport.getCurrentImageId());
    if (!image) return undefined;
    const [nx, ny] = this.series.dimensions;
    const imageData = viewport.createVTKImageData({
      ...viewport.getImageDataMetadata(image),
      dimensions: [nx, ny, 1],
      numberOfComponents: 1,
      pixelArray: new Float32Array(nx * ny),
    });
    const actor = viewport.createActorMapper(imageData);
    const { utilities } = this.cornerstone();
    const colors = utilities.createLinearRGBTransferFunction({ lower: 0, upper: 1 });
    colors.removeAllPoints();
    for (let n = 0; n <= COLOR_STOPS; n++) {
      const [r, g, b] = infernoColor(n / COLOR_STOPS);
      colors.addRGBPoint(n / COLOR_STOPS, r / 255, g / 255, b / 255);
    }
    const property = actor.getProperty();
    property.setRGBTransferFunction(0, colors);
    // The colours span 0…1 of the maximum whatever the slice's own range.
    property.setUseLookupTableScalarRange(true);
    property.setInterpolationTypeToLinear();
    actor.setForceTranslucent?.(true);
    viewport.addActor({ uid: this.actorUid, actor });
    this.imageData.set(actor, imageData);
    return actor;
  }

  /** Opacity: none in air and below the threshold, `opacity` from it up to the maximum. */
  private applyStyle(actor: VtkImageSlice): void {
    const { threshold, opacity } = this.style;
    const edge = Math.max(HEATMAP_AIR / 2, threshold - 1e-3);
    this.cornerstone().utilities.colormap.updateOpacityMapping(
      actor,
      [
        { value: HEATMAP_AIR, opacity: 0 },
        { value: edge, opacity: 0 },
        { value: Math.max(edge + 1e-4, threshold), opacity: 1 },
        { value: 1, opacity: 1 },
      ],
      opacity,
    );
  }

  /** Fills the actor with the run's saliency on the image the viewport shows (hidden where it has none). */
  private drawShownSlice(): void {
    const viewport = this.viewport();
    const actor = viewport?.getActor(this.actorUid)?.actor;
    const imageData = actor && this.imageData.get(actor);
    if (!viewport || !actor || !imageData) return;
    const imageId = viewport.getCurrentImageId();
    const k = this.series.imageIds.indexOf(imageId);
    const image = this.cornerstone().cache.getImage(imageId);
    const scalars = imageData.getPointData().getScalars();
    const salient =
      k >= 0 && image !== undefined && heatmapSlice(this.saliency, this.body, this.max, k, scalars.getData());
    actor.setVisibility(salient);
    if (salient) {
      imageData.setOrigin(viewport.getImageDataMetadata(image).origin);
      scalars.modified();
      imageData.modified();
    }
    viewport.render();
  }

  private unfollow(): void {
    if (!this.followed) return;
    this.followed.element.removeEventListener(
      this.cornerstone().Enums.Events.STACK_NEW_IMAGE,
      this.followed.listener,
    );
    this.followed = undefined;
  }
}
