"""Data for the CHAOS CLIP localiser: slices, organ labels, held-out split and the runtime's
preprocessing, reproduced exactly (own loaders; nothing here is shared with the segmenters).

Voxel order follows the runtime: slice k of a NIfTI is ``dataobj[:, :, k].T`` (rows j, columns
i); the CHAOS CT series is sorted ascending along the slice normal, so slice k is DICOM file
77 - k and its ground truth is liver_GT_{77-k}.png. No image is reoriented except the one RAS
TotalSegmentator CT, whose columns are mirrored so that, as in every other series here (LPS DICOM,
LAS/LPS NIfTI), the patient's left is at high column index (radiological left-right). Anterior is
up in DICOM/LPS and down in LAS NIfTI; training flips vertically at random so both work.
"""

import glob
import os

import numpy as np
import torch
import torch.nn.functional as F

# Class order of the prompts / dense targets. Index 0 is everything else ("background"). The class
# names are the segmenters' (models/train/common/chaos_data.py), because a manifest needs a prompt entry
# for every segmenter class and the CLI asks the CLIP for the segmenter's class name; the prompts
# themselves are plain words.
CLASSES = ['background', 'liver', 'right_kidney', 'left_kidney', 'spleen']
PROMPTS = {
    'background': ['background', 'other tissue', 'outside the body'],
    'liver': ['liver', 'hepatic parenchyma', 'liver tissue'],
    'right_kidney': ['right kidney', 'right renal parenchyma'],
    'left_kidney': ['left kidney', 'left renal parenchyma'],
    'spleen': ['spleen', 'splenic tissue', 'splenic parenchyma'],
}
# CHAOS MR labels 1 liver, 2 right kidney, 3 left kidney, 4 spleen -> class index.
CHAOS_MR_MAP = {1: 1, 2: 2, 3: 3, 4: 4}
# TotalSegmentator "total"/"total_mr": 1 spleen, 2 kidney_right, 3 kidney_left, 5 liver.
TOTALSEG_MAP = {5: 1, 2: 2, 3: 3, 1: 4}

MR_SUBJECTS = [1, 2, 3, 5, 8, 10, 13, 15, 19, 20, 21, 22, 31, 32, 33, 34]
# The segmenters' split (models/train/train_segmenter.py), so that no held-out slice was seen by
# either model: MR subjects 3, 13, 21, 33; CHAOS CT (one study, by DICOM file index) files 30..45
# held out, 0..25 and 50..77 for training, the 8 mm gaps 26..29 and 46..49 never used.
HELD_OUT_MR = [3, 13, 21, 33]
CT_TRAIN_FILES = list(range(0, 26)) + list(range(50, 78))
CT_HELD_OUT_FILES = list(range(30, 46))

SIZE = 128  # imageEncoder.shape


def parse_subjects(text):
    """'3,13,21,33' -> [3, 13, 21, 33], each a CHAOS MR subject of MR_SUBJECTS, at least one left to train on."""
    try:
        subjects = sorted({int(part) for part in text.split(',') if part.strip()})
    except ValueError:
        raise SystemExit(f'--held-out-mr takes subject numbers separated by commas, got {text!r}.')
    unknown = [s for s in subjects if s not in MR_SUBJECTS]
    if unknown or not subjects or len(subjects) >= len(MR_SUBJECTS):
        raise SystemExit(f'--held-out-mr {text!r}: hold out 1 to {len(MR_SUBJECTS) - 1} of the CHAOS MR subjects '
                         f'{MR_SUBJECTS}' + (f' ({unknown} are not among them).' if unknown else '.'))
    return subjects


def data_root():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.environ.get('XAI_CLIP_DATA') or os.path.normpath(os.path.join(here, '..', '..', '..', 'shared', 'data'))
    if not os.path.exists(os.path.join(root, 'README.md')):
        raise SystemExit(f'Real data not found at {root}. Set XAI_CLIP_DATA to the folder that holds chaos-ct/, '
                         'chaos-mr-t2/ and totalsegmentator/.')
    return root


def _nifti(path):
    import nibabel as nib
    img = nib.load(path)
    return np.asarray(img.dataobj), nib.aff2axcodes(img.affine)


def _map_labels(label, mapping):
    out = np.zeros(label.shape, np.uint8)
    for value, cls in mapping.items():
        out[label == value] = cls
    return out


def load_mr_subject(root, n):
    image, axes = _nifti(os.path.join(root, 'chaos-mr-t2', f'image_{n}.nii.gz'))
    label, _ = _nifti(os.path.join(root, 'chaos-mr-t2', f'label_{n}.nii.gz'))
    assert axes == ('L', 'A', 'S'), axes
    label = _map_labels(np.rint(label).astype(np.int32), CHAOS_MR_MAP)
    return [(image[:, :, k].T.astype(np.float32), label[:, :, k].T.copy()) for k in range(image.shape[2])]


def load_chaos_ct(root, files):
    """CHAOS CT slices (HU) with liver masks; `files` are DICOM file indices (slice k = 77 - file)."""
    import pydicom
    from PIL import Image
    dicoms = sorted(glob.glob(os.path.join(root, 'chaos-ct', 'dicom', '*.dcm')))
    assert len(dicoms) == 78, len(dicoms)
    out = []
    for f in files:
        ds = pydicom.dcmread(dicoms[f])
        hu = ds.pixel_array.astype(np.float32) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        gt = np.array(Image.open(os.path.join(root, 'chaos-ct', 'liver-gt', f'liver_GT_{f:03d}.png')))
        if gt.ndim == 3:
            gt = gt[..., :3].max(-1)
        out.append((hu, (gt > 0).astype(np.uint8), f))
    return out


def load_totalseg(root):
    """TotalSegmentator examples as (image, label, modality); labels are model predictions."""
    import pydicom
    ts = os.path.join(root, 'totalsegmentator')
    out = []
    ct, axes = _nifti(os.path.join(ts, 'example_ct_sm.nii.gz'))
    seg, _ = _nifti(os.path.join(ts, 'example_seg.nii.gz'))
    assert axes == ('R', 'A', 'S'), axes
    seg = _map_labels(seg.astype(np.int32), TOTALSEG_MAP)
    for k in range(ct.shape[2]):  # RAS: mirror the columns to put the patient's left at high i
        out.append((ct[:, :, k].T[:, ::-1].astype(np.float32).copy(), seg[:, :, k].T[:, ::-1].copy(), 'CT'))
    mr, axes = _nifti(os.path.join(ts, 'example_mr_sm.nii.gz'))
    seg, _ = _nifti(os.path.join(ts, 'example_seg_mr.nii.gz'))
    assert axes == ('L', 'P', 'S'), axes
    seg = _map_labels(seg.astype(np.int32), TOTALSEG_MAP)
    for k in range(mr.shape[2]):
        out.append((mr[:, :, k].T.astype(np.float32), seg[:, :, k].T.copy(), 'MR'))
    # DICOM CT (JPEG 2000): sorted by z ascending, slice k <-> seg[:, :, k].T[::-1, :].
    seg, _ = _nifti(os.path.join(ts, 'example_seg_dicom.nii.gz'))
    seg = _map_labels(seg.astype(np.int32), TOTALSEG_MAP)
    datasets = [pydicom.dcmread(f) for f in glob.glob(os.path.join(ts, 'example_ct_dicom', '*'))
                if os.path.isfile(f)]
    datasets.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    assert len(datasets) == seg.shape[2], (len(datasets), seg.shape)
    for k, ds in enumerate(datasets):
        hu = ds.pixel_array.astype(np.float32) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        out.append((hu, seg[:, :, k].T[::-1, :].copy(), 'CT'))
    return out


def resample(image, size=SIZE):
    """The runtime's resampleLinear: bilinear, align_corners=False, no antialias."""
    t = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None]
    return F.interpolate(t, size=(size, size), mode='bilinear', align_corners=False)[0, 0]


def zscore(image):
    """The runtime's zscore channel: (x - mean) / std over the (resampled) slice, std population."""
    mean = image.mean(dim=(-2, -1), keepdim=True)
    std = (image.pow(2).mean(dim=(-2, -1), keepdim=True) - mean.pow(2)).clamp_min(0).sqrt()
    return (image - mean) / torch.where(std > 0, std, torch.ones_like(std))


def soft_targets(label, size=SIZE):
    """Per-pixel class fractions [K,size,size] (area-averaged one-hot)."""
    onehot = torch.from_numpy(np.eye(len(CLASSES), dtype=np.float32)[label]).permute(2, 0, 1)[None]
    return F.interpolate(onehot, size=(size, size), mode='area')[0]


def body_mask(image, modality):
    """The evaluation's body: intensity above a threshold (CT: -500 HU; MR: 10 % of the slice's
    99th percentile), largest 4-connected component, holes filled. Mirrors clip_localisation.ts."""
    from scipy import ndimage as ndi
    if modality == 'CT':
        threshold = -500.0
    else:  # the runtime's percentile convention: sorted[round(p/100 * (n - 1))]
        values = np.sort(image, axis=None)
        threshold = 0.1 * float(values[int(np.floor(0.99 * (values.size - 1) + 0.5))])
    mask = image > threshold
    lab, n = ndi.label(mask)  # 4-connected in 2-D by default
    if n == 0:
        return mask
    sizes = ndi.sum(mask, lab, range(1, n + 1))
    mask = lab == (1 + int(np.argmax(sizes)))
    return ndi.binary_fill_holes(mask)


class Sample:
    __slots__ = ('image', 'target', 'known', 'presence', 'modality', 'source')

    def __init__(self, image, label, modality, known, source):
        self.image = resample(image)                 # raw intensities at 128²
        self.target = soft_targets(label)            # [K,128,128]
        self.known = torch.tensor(known, dtype=torch.bool)  # classes labelled in this sample
        self.presence = (self.target.sum(dim=(1, 2)) >= 4.0).float()
        self.modality = modality
        self.source = source


def training_ids(smoke=False):
    """The CHAOS MR subjects and CT files trained on (smoke: a few of them)."""
    subjects = [s for s in MR_SUBJECTS if s not in HELD_OUT_MR]
    return (subjects[:1], CT_TRAIN_FILES[12:16]) if smoke else (subjects, CT_TRAIN_FILES)


def held_out_ids(smoke=False):
    """The CHAOS MR subjects and CT files held out and evaluated on (smoke: a few of them)."""
    return (HELD_OUT_MR[:1], CT_HELD_OUT_FILES[::6]) if smoke else (HELD_OUT_MR, CT_HELD_OUT_FILES)


def split_sources(root, smoke=False):
    """The split as split.json records it (common/split_file.py): every slice of the TotalSegmentator
    examples trains (not in smoke runs), the CHAOS ids as training_ids and held_out_ids say."""
    import nibabel as nib
    from common import split_file
    (mr_train, ct_train), (mr_held, ct_held) = training_ids(smoke), held_out_ids(smoke)
    sources = {
        'chaos-mr-t2': split_file.source('chaos-mr-t2/image_<id>.nii.gz, label_<id>.nii.gz', 'subject', MR_SUBJECTS,
                                         train=mr_train, held_out=mr_held),
        'chaos-ct': split_file.source('chaos-ct/dicom, chaos-ct/liver-gt',
                                      'DICOM file (sorted by name; runtime slice k = file 77 - k)', range(78),
                                      train=ct_train, held_out=ct_held),
    }
    if smoke:
        return sources
    ts = os.path.join(root, 'totalsegmentator')
    nifti_slice = 'slice (as the runtime reads the NIfTI)'
    dicom_slices = len([f for f in glob.glob(os.path.join(ts, 'example_ct_dicom', '*')) if os.path.isfile(f)])
    for name, data, unit, count in [
        ('totalseg-ct-nifti', 'totalsegmentator/example_ct_sm.nii.gz, example_seg.nii.gz', nifti_slice,
         nib.load(os.path.join(ts, 'example_ct_sm.nii.gz')).shape[2]),
        ('totalseg-mr-nifti', 'totalsegmentator/example_mr_sm.nii.gz, example_seg_mr.nii.gz', nifti_slice,
         nib.load(os.path.join(ts, 'example_mr_sm.nii.gz')).shape[2]),
        ('totalseg-ct-dicom', 'totalsegmentator/example_ct_dicom, example_seg_dicom.nii.gz', 'slice (ascending z)',
         dicom_slices),
    ]:
        sources[name] = split_file.source(data, unit, range(count), train=range(count), held_out=[])
    return sources


def training_samples(root, smoke=False):
    samples = []
    all_known = [True] * len(CLASSES)
    subjects, ct_files = training_ids(smoke)
    for n in subjects:
        for k, (image, label) in enumerate(load_mr_subject(root, n)):
            samples.append(Sample(image, label, 'MR', all_known, f'chaos-mr-{n}:{k}'))
    # CHAOS CT labels only the liver: kidneys/spleen may hide in its "background".
    liver_only = [True, True, False, False, False]
    for hu, gt, f in load_chaos_ct(root, ct_files):
        samples.append(Sample(hu, gt, 'CT', liver_only, f'chaos-ct-file{f}'))
    if not smoke:
        for n, (image, label, modality) in enumerate(load_totalseg(root)):
            samples.append(Sample(image, label, modality, all_known, f'totalseg-{modality}-{n}'))
    return samples


def pole_slices(samples, small_organs=(2, 3, 4), fraction=0.4):
    """Per sample: True for a CHAOS MR slice where a small organ (kidney, spleen) is present at under
    `fraction` of its largest area in that subject, i.e. near the organ's upper or lower pole."""
    largest = {}
    for s in samples:
        if s.source.startswith('chaos-mr-'):
            subject = s.source.split(':')[0]
            for c in small_organs:
                largest[subject, c] = max(largest.get((subject, c), 0.0), float(s.target[c].sum()))
    pole = []
    for s in samples:
        subject = s.source.split(':')[0]
        pole.append(s.source.startswith('chaos-mr-') and any(
            s.presence[c] > 0 and float(s.target[c].sum()) < fraction * largest[subject, c] for c in small_organs))
    return np.array(pole)


def calibration_slices(root, smoke=False):
    """Training slices at full resolution for the post-hoc logitScale calibration (every 2nd MR slice
    of the training subjects, every 2nd CHAOS CT training file; known classes per slice)."""
    out = []
    all_known = [True] * len(CLASSES)
    subjects, ct_files = training_ids(smoke)
    for n in subjects:
        for image, label in load_mr_subject(root, n)[::2]:
            out.append((image, label, 'MR', all_known))
    for hu, gt, _ in load_chaos_ct(root, ct_files[:2] if smoke else ct_files[::2]):
        out.append((hu, gt, 'CT', [True, True, False, False, False]))
    return out


def held_out_slices(root, smoke=False):
    """Held-out slices at full resolution: (image, label, modality, source)."""
    out = []
    subjects, ct_files = held_out_ids(smoke)
    for n in subjects:
        for k, (image, label) in enumerate(load_mr_subject(root, n)):
            out.append((image, label, 'MR', f'chaos-mr-{n}:{k}'))
    for hu, gt, f in load_chaos_ct(root, ct_files):
        out.append((hu, gt, 'CT', f'chaos-ct-file{f}'))
    return out
