/**
 * An sRGB colour (0–255 per channel) as DICOM's RecommendedDisplayCIELabValue: CIE L*a*b*
 * (D65 white) scaled to unsigned 16 bits, L* 0–100 → 0–65535 and a*, b* −128–127 → 0–65535
 * (PS3.3 C.10.7.1.1). Same arithmetic as dcmjs's `Colors.rgb2DICOMLAB`, without the import.
 */
export function rgbToDicomLab(rgb: ArrayLike<number>): [number, number, number] {
  const linear = [0, 1, 2].map((c) => {
    const v = rgb[c] / 255;
    return v <= 0.0404482362771076 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const [r, g, b] = linear;
  const xyz = [
    0.4123955889674142 * r + 0.3575834307637148 * g + 0.1804926473817016 * b,
    0.2125862307855956 * r + 0.7151703037034108 * g + 0.0722004986433362 * b,
    0.0192972154917469 * r + 0.1191838645808485 * g + 0.9504971251315798 * b,
  ];
  const white = [0.950456, 1, 1.088754];
  const [fx, fy, fz] = xyz.map((v, i) => {
    const t = v / white[i];
    return t > 0.008856451679035631 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29;
  });
  const lab = [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
  const scale = (value: number, offset: number, range: number) =>
    Math.max(0, Math.min(65535, Math.round(((value + offset) * 65535) / range)));
  return [scale(lab[0], 0, 100), scale(lab[1], 128, 255), scale(lab[2], 128, 255)];
}
