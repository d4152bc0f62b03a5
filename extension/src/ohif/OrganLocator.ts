import { largestOrganSlice, sliceVerdict } from '../runtime/surveyOrgan';
import { EXPLAIN_EVENTS } from './explainEvents';
import { ExplainSession } from './ExplainSession';
import { notify } from './notify';
import { CornerstoneLibraries, CornerstoneViewport, Services, XaiClipConfig } from './ohifTypes';
import { PanelSettings, SurveyState } from './panelState';
import { activeViewport, readActiveVolumeWhenLoaded } from './readActiveVolume';
import { XaiClipStore } from './XaiClipStore';

/** How long the viewer must be still before a survey starts (a series opening fires several events). */
const SURVEY_DELAY_MS = 300;

/**
 * Where the selected organ is in the active series, and which slice is shown: surveys the series
 * for the organ in the worker (model and localiser, slice by slice) when it opens or the organ
 * changes, shows the slice where the organ is largest the first time a series is surveyed,
 * follows the viewport as the user scrolls, and says when a slice run is doubtful. Keeps
 * `survey`, `currentSlice` and the model's `classes` in the store.
 */
export class OrganLocator {
  private surveyTimer?: ReturnType<typeof setTimeout>;
  private stopFollowingSlices?: () => void;

  constructor(
    private readonly services: Services,
    private readonly libraries: () => CornerstoneLibraries,
    private readonly config: () => XaiClipConfig,
    private readonly store: XaiClipStore,
    private readonly session: ExplainSession,
  ) {
    session.subscribe(EXPLAIN_EVENTS.SURVEY_MODEL, ({ classes }) => this.takeClasses(classes));
  }

  /** Stops surveying and following the viewport (on mode exit). */
  stop(): void {
    clearTimeout(this.surveyTimer);
    this.stopFollowingSlices?.();
  }

  /** Surveys the active series for the selected organ once the viewer settles. */
  scheduleSurvey(): void {
    clearTimeout(this.surveyTimer);
    this.surveyTimer = setTimeout(() => void this.survey(), SURVEY_DELAY_MS);
  }

  /** Shows the slice where the surveyed organ is largest. */
  async goToOrgan(): Promise<void> {
    const result = this.store.state.survey?.result;
    const largest = result && largestOrganSlice(result);
    if (largest === undefined) {
      notify(
        this.services,
        'info',
        `Neither model nor localiser finds ${this.store.state.settings.organ} in this series.`,
      );
      return;
    }
    this.store.set({ confirm: undefined });
    await this.goToSlice(largest);
  }

  /**
   * The doubt to raise before a slice run, or undefined: the survey finds the organ on the current
   * slice by the model and the localiser alike (or has not finished: a run is never held for it).
   */
  doubtBeforeRun(settings: PanelSettings): string | undefined {
    const { survey } = this.store.state;
    const shown = activeViewport(this.services).viewport?.getCurrentImageId?.();
    const currentSlice = shown && survey ? survey.imageIds.indexOf(shown) : -1;
    if (settings.scope !== 'slice' || !survey?.result || currentSlice < 0) return undefined;
    if (survey.organ !== settings.organ) return undefined;
    const verdict = sliceVerdict(survey.result, currentSlice);
    const organ = survey.result.organ.replace('_', ' ');
    if (verdict.modelFinds && verdict.clipFinds !== false) return undefined;
    if (verdict.modelFinds) {
      return `The model predicts ${organ} here (${verdict.modelVoxels} pixels), but the localiser finds none: likely a false positive. Explain anyway?`;
    }
    if (verdict.clipFinds) {
      return `The localiser finds ${organ} here, but the model predicts none, so the saliency would be 0. Explain anyway?`;
    }
    return `Neither the model nor the localiser finds ${organ} on this slice. Explain anyway?`;
  }

  /**
   * Surveys the active series (the worker gets a copy of its voxels, dropped here once posted),
   * then, the first time the series is surveyed, shows the slice where the organ is largest. A
   * series already surveyed for the organ is only followed again, not re-read.
   */
  private async survey(): Promise<void> {
    if (this.config().survey?.enabled === false) return;
    const { organ } = this.store.state.settings;
    const known = this.store.state.survey;
    const active = activeViewport(this.services);
    if (known && known.displaySetInstanceUID === active.displaySetInstanceUID && known.organ === organ) {
      if (active.viewport) this.followSlices(active.viewport, known.imageIds);
      return;
    }
    let series;
    try {
      series = await readActiveVolumeWhenLoaded(this.services, this.libraries());
    } catch {
      return; // no image series in the active viewport yet: a later viewer event retries
    }
    this.followSlices(series.viewport, series.imageIds);
    const { displaySet, imageIds, currentSlice: openedOn } = series;
    if (!this.session.hasModelFor(displaySet.Modality)) return;
    const firstLook = known?.displaySetInstanceUID !== displaySet.displaySetInstanceUID;
    const stack = series.viewport.getImageIds();
    const state: SurveyState = {
      displaySetInstanceUID: displaySet.displaySetInstanceUID,
      organ,
      imageIds,
      stackPositions: imageIds.map((imageId) => stack.indexOf(imageId)),
    };
    this.store.set({ survey: state });
    try {
      const result = await this.session.survey(series.volume, displaySet.Modality, organ);
      if (this.store.state.survey !== state) return; // superseded by another series or organ
      this.store.set({ survey: { ...state, result } });
      const largest = largestOrganSlice(result);
      if (firstLook && largest !== undefined && this.store.state.currentSlice === openedOn) {
        await this.goToSlice(largest);
      }
    } catch (error) {
      if (this.store.state.survey === state)
        this.store.set({ survey: { ...state, error: (error as Error).message } });
    }
  }

  /** The organ list of the series' model; a selected organ that model lacks becomes its first. */
  private takeClasses(classes: string[]): void {
    const organs = classes.filter((name) => name !== 'background');
    const { organ } = this.store.state.settings;
    const known = organs.some((name) => name.toLowerCase() === organ.toLowerCase());
    this.store.set({ classes });
    if (!known && organs.length > 0) {
      this.store.set({
        settings: { ...this.store.state.settings, organ: organs[0] },
        message: `This series' model does not segment "${organ}"; the organ is now ${organs[0]} (its organs: ${organs.join(', ')}).`,
      });
      this.scheduleSurvey();
    }
  }

  /** Shows slice k (volume order) of the surveyed series in the active viewport. */
  private async goToSlice(k: number): Promise<void> {
    const imageId = this.store.state.survey?.imageIds[k];
    const { viewport } = activeViewport(this.services);
    const index = imageId ? (viewport?.getImageIds().indexOf(imageId) ?? -1) : -1;
    if (!viewport?.setImageIdIndex || index < 0) return;
    await viewport.setImageIdIndex(index);
    viewport.render();
    this.store.set({ currentSlice: k });
  }

  /** Keeps `currentSlice` in step with the viewport as the user scrolls. */
  private followSlices(viewport: CornerstoneViewport, imageIds: string[]): void {
    this.stopFollowingSlices?.();
    const update = () => {
      const current = viewport.getCurrentImageId?.();
      const k = current ? imageIds.indexOf(current) : -1;
      if (k >= 0 && k !== this.store.state.currentSlice)
        this.store.set({ currentSlice: k, confirm: undefined });
    };
    const { Events } = this.libraries().cornerstone.Enums;
    const element = viewport.element;
    const events = [Events.STACK_NEW_IMAGE, Events.VOLUME_NEW_IMAGE].filter(Boolean);
    events.forEach((event) => element?.addEventListener(event, update));
    this.stopFollowingSlices = () => events.forEach((event) => element?.removeEventListener(event, update));
    update();
  }
}
