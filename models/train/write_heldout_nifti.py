#!/usr/bin/env python3
"""Writes the CT model's held-out CHAOS CT slab (the files its split.json holds out: DICOM files 30–45,
runtime slices 32–47) as NIfTI image + liver label files, so the project's CLI can score held-out
slices only:

    /usr/bin/python3 models/train/write_heldout_nifti.py /tmp/ct-heldout
    npx xai-clip evaluate --model models/chaos-ct-segformer/manifest.json \
        --input /tmp/ct-heldout/image.nii.gz --labels /tmp/ct-heldout/label.nii.gz --label-values liver=1 --json

The NIfTI stores slice k as arr[:, :, k].T, exactly the runtime's DICOM slice, so the 2-D model
sees the same pixels as from the DICOM folder (geometry: 0.7266 × 0.7266 × 2 mm, identity affine
orientation, which a fixed-size 2-D model ignores). Written outside the repository.
"""
import os
import sys

import nibabel as nib
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import chaos_data as cd  # noqa: E402
from common import split_file  # noqa: E402

CT_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chaos-ct-segformer")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ct-heldout"
    os.makedirs(out, exist_ok=True)
    ct = cd.chaos_ct()
    files = split_file.held_out(split_file.read_split(CT_MODEL), "chaos-ct")
    keep = [n for n, i in enumerate(ct.slice_ids) if int(i[4:]) in files]
    images = ct.images[keep].astype(np.int16)  # HU, integral
    labels = ct.labels[keep].astype(np.uint8)
    affine = np.diag([0.7266, 0.7266, 2.0, 1.0])
    nib.save(nib.Nifti1Image(np.transpose(images, (2, 1, 0)), affine), os.path.join(out, "image.nii.gz"))
    nib.save(nib.Nifti1Image(np.transpose(labels, (2, 1, 0)), affine), os.path.join(out, "label.nii.gz"))
    print(f"{len(keep)} held-out slices ({[ct.slice_ids[n] for n in keep]}) → {out}")


if __name__ == "__main__":
    main()
