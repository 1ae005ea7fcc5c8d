/** Mean attenuation of each tissue in the sample (Hounsfield units, non-contrast CT). */
export const HU = {
  air: -1000,
  bowelGas: -990,
  subcutaneousFat: -105,
  visceralFat: -95,
  epiduralFat: -85,
  sinusFat: -60,
  skin: 25,
  csf: 12,
  jointSpace: 30,
  bowel: 28,
  kidney: 32,
  blood: 40,
  muscle: 45,
  spleen: 48,
  liver: 58,
  discNucleus: 78,
  discAnnulus: 104,
  cancellousBone: 240,
  corticalBone: 1050,
} as const;

/** Cortical shell thickness of the bones (mm). */
export const CORTEX_MM = 1.5;
