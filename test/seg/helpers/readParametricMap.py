"""Reads a DICOM Parametric Map with pydicom, independently of the writer (dcmjs).

Usage: readParametricMap.py <pmap.dcm> <pixels.f32>
Writes the frames' float32 values, as pydicom decodes them, to <pixels.f32> and prints JSON:
the pixel array's dtype and shape, each frame's source image and plane position, and the
shared functional groups the tests check.
"""
import json
import sys

import pydicom

path, pixels_path = sys.argv[1], sys.argv[2]
ds = pydicom.dcmread(path)
pixels = ds.pixel_array  # FloatPixelData -> float32, (frames, rows, columns)
pixels.astype("<f4").tofile(pixels_path)

shared = ds.SharedFunctionalGroupsSequence[0]
mapping = shared.RealWorldValueMappingSequence[0]


def code(item):
    return {"value": item.CodeValue, "scheme": item.CodingSchemeDesignator, "meaning": item.CodeMeaning}


def as_list(value):
    return [int(v) for v in value] if isinstance(value, pydicom.multival.MultiValue) else [int(value)]


quantity = []
for item in mapping.QuantityDefinitionSequence:
    entry = {"name": code(item.ConceptNameCodeSequence[0]), "type": item.ValueType}
    if item.ValueType == "CODE":
        entry["code"] = code(item.ConceptCodeSequence[0])
    else:
        entry["text"] = str(item.TextValue)
    quantity.append(entry)

print(json.dumps({
    "sopClassUid": ds.SOPClassUID,
    "dtype": str(pixels.dtype),
    "shape": list(pixels.shape),
    "frames": [
        {
            "source": frame.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID,
            "position": [float(v) for v in frame.PlanePositionSequence[0].ImagePositionPatient],
            "index": as_list(frame.FrameContentSequence[0].DimensionIndexValues),
        }
        for frame in ds.PerFrameFunctionalGroupsSequence
    ],
    "orientation": [float(v) for v in shared.PlaneOrientationSequence[0].ImageOrientationPatient],
    "pixelSpacing": [float(v) for v in shared.PixelMeasuresSequence[0].PixelSpacing],
    "mapping": {
        "first": float(mapping.DoubleFloatRealWorldValueFirstValueMapped),
        "last": float(mapping.DoubleFloatRealWorldValueLastValueMapped),
        "slope": float(mapping.RealWorldValueSlope),
        "intercept": float(mapping.RealWorldValueIntercept),
        "label": mapping.LUTLabel,
        "unit": code(mapping.MeasurementUnitsCodeSequence[0]),
        "quantity": quantity,
    },
    "referencedSeries": ds.ReferencedSeriesSequence[0].SeriesInstanceUID,
    "referencedInstances": [i.ReferencedSOPInstanceUID for i in ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence],
    "studyInstanceUid": ds.StudyInstanceUID,
    "seriesInstanceUid": ds.SeriesInstanceUID,
    "frameOfReferenceUid": ds.FrameOfReferenceUID,
    "contentLabel": ds.ContentLabel,
    "seriesDescription": ds.SeriesDescription,
}))
