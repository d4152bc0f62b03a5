"""Reading volumes as the XAI-CLIP runtime sees them (cli/src/io/readNifti.ts, readDicomSeries.ts).

The engine stores voxel (i, j, k) at i + j·nx + k·nx·ny and never reorients NIfTI, and a 2-D
model sees slice k as an image [H = ny, W = nx] (row j, column i). So:

* NIfTI (nibabel): `dataobj` has shape (nx, ny, nz); slice k is `arr[:, :, k].T`.
* DICOM series: slices sorted ascending along the slice normal (row direction × column
  direction); pixel_array[row, col] is [j, i]; values rescaled to modality units (HU for CT).

Everything returned is a stack of slices [nz, ny, nx] in that order.
"""
from __future__ import annotations

import os
from typing import List, Tuple

import numpy as np


def nifti_slices(path: str, dtype=np.float32) -> np.ndarray:
    """[nz, ny, nx] slices of a NIfTI file in the runtime's order (scl_slope applied)."""
    import nibabel as nib

    img = nib.load(path)
    slope, inter = img.dataobj.slope, img.dataobj.inter
    arr = np.asarray(img.dataobj.get_unscaled() if (slope == 1 and inter == 0) else img.dataobj)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return np.ascontiguousarray(np.transpose(arr, (2, 1, 0))).astype(dtype)


def dicom_series(folder: str) -> Tuple[np.ndarray, List[str]]:
    """([nz, rows, cols] modality values as float32, file paths) in the runtime's slice order.

    Compressed transfer syntaxes (e.g. TotalSegmentator's JPEG 2000) need python3-gdcm.
    """
    import pydicom

    entries = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        ds = pydicom.dcmread(path)
        if "PixelData" not in ds:
            continue
        orientation = np.array([float(v) for v in ds.ImageOrientationPatient])
        normal = np.cross(orientation[:3], orientation[3:])
        distance = float(np.dot(normal, [float(v) for v in ds.ImagePositionPatient]))
        entries.append((distance, path, ds))
    entries.sort(key=lambda e: e[0])
    slices = []
    for _, _, ds in entries:
        pixels = ds.pixel_array.astype(np.float64)
        slope = float(getattr(ds, "RescaleSlope", 1) or 1)
        intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
        slices.append((pixels * slope + intercept).astype(np.float32))
    return np.stack(slices), [e[1] for e in entries]


def png_mask(path: str) -> np.ndarray:
    """A PNG mask as [rows, cols] uint8 (non-zero → 1)."""
    from PIL import Image

    arr = np.asarray(Image.open(path))
    if arr.ndim == 3:
        arr = arr[..., 0]
    return (arr != 0).astype(np.uint8)
