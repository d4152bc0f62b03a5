import { organCode } from '../../extension/src/seg/organCode';
import { organMaskSegments } from '../../extension/src/seg/organMaskSegments';
import { rgbToDicomLab } from '../../extension/src/seg/rgbToDicomLab';
import { saliencySegments } from '../../extension/src/seg/saliencySegments';
import { saliencyColors } from '../../extension/src/engine/saliency/saliencyColors';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as { data: { Colors: { rgb2DICOMLAB(rgb: number[]): number[] } } };

describe('SEG segment metadata', () => {
  it('codes the CHAOS organs as DICOM CID 7150/7151/244 do, whatever the spelling', () => {
    const anatomical = {
      CodeValue: '123037004',
      CodingSchemeDesignator: 'SCT',
      CodeMeaning: 'Anatomical Structure',
    };
    expect(organCode('liver')).toEqual({
      category: anatomical,
      type: { CodeValue: '10200004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Liver' },
    });
    expect(organCode('Spleen').type.CodeValue).toBe('78961009');
    for (const name of ['right kidney', 'kidney_right', 'Kidney-Right']) {
      expect(organCode(name)).toMatchObject({
        type: { CodeValue: '64033007', CodeMeaning: 'Kidney' },
        typeModifier: { CodeValue: '24028007', CodeMeaning: 'Right' },
      });
    }
    expect(organCode('left kidney').typeModifier).toMatchObject({
      CodeValue: '7771000',
      CodeMeaning: 'Left',
    });
    expect(organCode('kidneys')).toEqual({
      category: anatomical,
      type: expect.objectContaining({ CodeValue: '64033007' }),
    });
    // A class that names no known organ (the planted test model's "organ") is a generic organ.
    expect(organCode('organ')).toEqual({
      category: anatomical,
      type: { CodeValue: '113343008', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Organ' },
    });
  });

  it('converts the viewer colours to DICOM CIELab as dcmjs does', () => {
    for (const rgba of saliencyColors(7)) {
      const expected = dcmjs.data.Colors.rgb2DICOMLAB(rgba.slice(0, 3).map((c) => c / 255)).map(Math.round);
      rgbToDicomLab(rgba).forEach((value, c) => expect(Math.abs(value - expected[c])).toBeLessThanOrEqual(1));
    }
    expect(rgbToDicomLab([255, 255, 255])[0]).toBeGreaterThanOrEqual(65530); // white: L* = 100
  });

  it('describes each level: label, threshold, algorithm, codes and colour', () => {
    const segments = saliencySegments({
      method: 'occlusion',
      organ: 'left kidney',
      lowerEdges: [0.25, 0.5, 0.75],
      version: '1.2.3',
    });
    expect(segments.map((s) => s.SegmentNumber)).toEqual([1, 2, 3]);
    expect(segments.map((s) => s.SegmentLabel)).toEqual([
      'XAI-CLIP occlusion left kidney >= 0.25',
      'XAI-CLIP occlusion left kidney >= 0.50',
      'XAI-CLIP occlusion left kidney >= 0.75',
    ]);
    expect(segments[0].SegmentDescription).toBe(
      'occlusion saliency of left kidney, level 1 of 3: saliency from 0.25 below 0.50 of its maximum',
    );
    expect(segments[2].SegmentDescription).toMatch(
      /level 3 of 3: saliency from 0\.75 up to 1 of its maximum$/,
    );
    expect(segments[1]).toMatchObject({
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentAlgorithmName: 'XAI-CLIP',
      SegmentationAlgorithmIdentificationSequence: [
        {
          AlgorithmName: 'XAI-CLIP',
          AlgorithmVersion: '1.2.3',
          AlgorithmFamilyCodeSequence: { CodeValue: '123110' },
        },
      ],
      SegmentedPropertyTypeCodeSequence: {
        CodeValue: '64033007',
        SegmentedPropertyTypeModifierCodeSequence: { CodeValue: '7771000' },
      },
    });
    expect(new Set(segments.map((s) => s.RecommendedDisplayCIELabValue.join()))).toHaveProperty('size', 3);
    const long = saliencySegments({
      method: 'occlusion',
      organ: 'x'.repeat(80),
      lowerEdges: [0.5],
      version: '0',
    });
    expect(long[0].SegmentLabel).toHaveLength(64);
  });

  it("describes the model's predicted organ mask as one coded segment", () => {
    const [segment, ...rest] = organMaskSegments({
      organ: 'right kidney',
      color: [60, 200, 90, 255],
      version: '1.2.3',
      parameters: '{"roi":"mask"}',
    });
    expect(rest).toEqual([]);
    expect(segment).toMatchObject({
      SegmentNumber: 1,
      SegmentLabel: 'XAI-CLIP predicted right kidney',
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentationAlgorithmIdentificationSequence: [
        { AlgorithmVersion: '1.2.3', AlgorithmParameters: '{"roi":"mask"}' },
      ],
      SegmentedPropertyTypeCodeSequence: {
        CodeValue: '64033007',
        SegmentedPropertyTypeModifierCodeSequence: { CodeValue: '24028007' },
      },
      RecommendedDisplayCIELabValue: rgbToDicomLab([60, 200, 90]),
    });
    expect(segment.SegmentDescription).toMatch(
      /^right kidney as the explained segmentation model predicts it/,
    );
  });
});
