"""The real training/evaluation data: CHAOS MR T2, CHAOS CT and the TotalSegmentator CT examples,
as stacks of raw slices [n, ny, nx] in the runtime's orientation with label maps in the
segmenters' class order (0 background, 1 liver, 2 right_kidney, 3 left_kidney, 4 spleen).

Data root: $XAI_CLIP_DATA, else <repo>/../shared/data (never copied into the repository).
See /work/shared/data/README.md (or the copy beside the data) for sources and licences.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np

from .volume_io import dicom_series, nifti_slices, png_mask

CLASSES = ["background", "liver", "right_kidney", "left_kidney", "spleen"]
MR_SUBJECTS = [1, 2, 3, 5, 8, 10, 13, 15, 19, 20, 21, 22, 31, 32, 33, 34]
# TotalSegmentator "total" label values → our class index (everything else is background).
TOTALSEG_TO_CLASS = {5: 1, 2: 2, 3: 3, 1: 4}
CHAOS_CT_FILES = 78


def data_root() -> str:
    root = os.environ.get("XAI_CLIP_DATA") or os.path.normpath(
        os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "data")
    )
    if not os.path.isfile(os.path.join(root, "README.md")):
        raise SystemExit(
            f"Real data not found at {root}. Set XAI_CLIP_DATA to the folder that holds "
            "chaos-ct/, chaos-mr-t2/ and totalsegmentator/."
        )
    return root


@dataclass
class SliceSet:
    """Raw slices [n, ny, nx] (float32), labels [n, ny, nx] (uint8 class indices) and, per slice,
    which classes the labels actually supervise (partial labels: CHAOS CT only knows liver)."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    supervised: List[int]  # class indices whose presence/absence the labels are reliable for
    slice_ids: List[str] = field(default_factory=list)

    def subset(self, index: List[int], name: Optional[str] = None) -> "SliceSet":
        return SliceSet(
            name or self.name,
            self.images[index],
            self.labels[index],
            self.supervised,
            [self.slice_ids[i] for i in index],
        )


def mr_subject(n: int, root: Optional[str] = None) -> SliceSet:
    """CHAOS MR T2-SPIR subject n (NIfTI, LAS, 256×256×nz), all four organs labelled."""
    root = root or data_root()
    folder = os.path.join(root, "chaos-mr-t2")
    images = nifti_slices(os.path.join(folder, f"image_{n}.nii.gz"))
    labels = nifti_slices(os.path.join(folder, f"label_{n}.nii.gz"), np.float32)
    labels = np.rint(labels).astype(np.uint8)
    ids = [f"mr{n}:k{k}" for k in range(images.shape[0])]
    return SliceSet(f"chaos-mr-{n}", images, labels, [0, 1, 2, 3, 4], ids)


def chaos_ct(root: Optional[str] = None) -> SliceSet:
    """The CHAOS CT study (78 slices, 512², HU) with its manual liver masks.

    Slice k (runtime order: ascending along the normal, feet → head) is DICOM file 77 − k and
    liver_GT_(77 − k).png. slice_ids name the FILE index, e.g. "ct:f012".
    """
    root = root or data_root()
    folder = os.path.join(root, "chaos-ct")
    images, files = dicom_series(os.path.join(folder, "dicom"))
    file_index = [int(os.path.basename(f)[1:5]) for f in files]
    labels = np.stack(
        [png_mask(os.path.join(folder, "liver-gt", f"liver_GT_{i:03d}.png")) for i in file_index]
    )
    return SliceSet("chaos-ct", images, labels, [1], [f"ct:f{i:03d}" for i in file_index])


def _map_totalseg(seg: np.ndarray) -> np.ndarray:
    out = np.zeros(seg.shape, np.uint8)
    for value, c in TOTALSEG_TO_CLASS.items():
        out[seg == value] = c
    return out


def totalseg_dicom(root: Optional[str] = None) -> SliceSet:
    """TotalSegmentator's 20-slice JPEG 2000 CT series (512², HU) with its label map
    (TotalSegmentator predictions, not manual). DICOM slice k ↔ seg[:, :, k].T[::-1, :]."""
    import nibabel as nib

    root = root or data_root()
    folder = os.path.join(root, "totalsegmentator")
    images, _ = dicom_series(os.path.join(folder, "example_ct_dicom"))
    seg = np.asarray(nib.load(os.path.join(folder, "example_seg_dicom.nii.gz")).dataobj)
    labels = np.stack([seg[:, :, k].T[::-1, :] for k in range(seg.shape[2])])
    return SliceSet(
        "totalseg-dicom", images, _map_totalseg(labels), [0, 1, 2, 3, 4],
        [f"tsd:k{k}" for k in range(images.shape[0])],
    )


def totalseg_nifti(root: Optional[str] = None) -> SliceSet:
    """TotalSegmentator's example_ct_sm.nii.gz (122×101×30, 3 mm, RAS) with example_seg.nii.gz,
    exactly as the runtime sees the NIfTI (no reorientation: RAS slices appear rotated by 180°
    relative to a DICOM/LPS display). Labels are TotalSegmentator predictions."""
    root = root or data_root()
    folder = os.path.join(root, "totalsegmentator")
    images = nifti_slices(os.path.join(folder, "example_ct_sm.nii.gz"))
    seg = nifti_slices(os.path.join(folder, "example_seg.nii.gz"), np.float32)
    return SliceSet(
        "totalseg-nifti", images, _map_totalseg(np.rint(seg).astype(np.int32)), [0, 1, 2, 3, 4],
        [f"tsn:k{k}" for k in range(images.shape[0])],
    )


def restrict_classes(s: SliceSet, keep: List[int]) -> SliceSet:
    """The same slices for a segmenter with fewer classes: ["background", *CLASSES[keep]].

    Kept organs get the indices 1, 2, … in the order of `keep`; every other organ joins
    background. The new background is supervised wherever every kept organ is (a pixel that is
    none of the kept organs is background, whichever dropped organ it was): CHAOS CT, which
    only knows liver, becomes fully supervised for a liver-only model.
    """
    lut = np.zeros(256, np.uint8)
    for n, c in enumerate(keep):
        lut[c] = n + 1
    supervised = [n + 1 for n, c in enumerate(keep) if c in s.supervised]
    if len(supervised) == len(keep):
        supervised = [0] + supervised
    return SliceSet(s.name, s.images, lut[s.labels], supervised, list(s.slice_ids))


def organ_counts(labels: np.ndarray) -> Dict[str, List[int]]:
    return {CLASSES[c]: [int((s == c).sum()) for s in labels] for c in range(1, len(CLASSES))}
