/** Plain data types shared by parsing, decoding and series assembly. No DOM, no cornerstone. */

export type Vec3 = readonly [number, number, number];

/** How the stored pixel values of one instance are laid out; enough to decode any frame. */
export interface PixelDescriptor {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 = unsigned, 1 = two's complement. */
  pixelRepresentation: 0 | 1;
  photometricInterpretation: string;
  planarConfiguration: number;
  transferSyntaxUID: string;
  /**
   * VR of the pixel data element ('OB' or 'OW') when the file says so. Needed for
   * one corner of Explicit VR Big Endian: 8-bit data in an OW element is byte-swapped
   * in 16-bit words.
   */
  pixelDataVR?: string;
}

/**
 * Where the pixel data of an instance lies inside `DicomInstance.bytes`: plain
 * offsets, so the instance stays structured-clone safe.
 */
export interface PixelDataLocation {
  /** Offset of the element value (native) or of the first item after the Basic Offset Table (encapsulated). */
  offset: number;
  /** Length in bytes of the value (native); for encapsulated data, up to the sequence delimiter. */
  length: number;
  /** Encapsulated only: each fragment's data position in `bytes`, its length, and its offset as the BOT counts it. */
  fragments?: readonly { position: number; length: number; offset: number }[];
  /** Encapsulated only: the Basic Offset Table (empty when the file left it empty). */
  basicOffsetTable?: readonly number[];
  /** Encapsulated only: Extended Offset Table (7FE0,0001), one offset per frame, when present. */
  extendedOffsetTable?: readonly number[];
}

/**
 * Stored values of one decoded frame, before the modality LUT (slope/intercept).
 * Signedness follows PixelRepresentation; high bits above BitsStored are masked
 * (and sign-extended for signed data).
 */
export type StoredPixels = Int16Array | Uint16Array | Uint8Array | Int8Array | Int32Array | Uint32Array;

/** Placement of one frame in patient space (DICOM LPS, millimetres). */
export interface FrameGeometry {
  /** ImagePositionPatient: centre of the first transmitted pixel. */
  position: Vec3 | undefined;
  /** Row direction cosine (along a row, increasing column). */
  rowCosine: Vec3 | undefined;
  /** Column direction cosine (down a column, increasing row). */
  columnCosine: Vec3 | undefined;
  /** PixelSpacing as DICOM gives it: [between rows, between columns]. */
  pixelSpacing: readonly [number, number] | undefined;
  sliceThickness: number | undefined;
  rescaleSlope: number;
  rescaleIntercept: number;
}

/**
 * One parsed DICOM file (single- or multi-frame), header only: pixel data stays
 * encoded in `bytes` until a frame is asked for. Produced by `parseInstance`.
 */
/** Patient, study and series attributes of a series, copied into exports (e.g. a DICOM SEG) unless de-identified. */
export interface SeriesHeader {
  patientName: string;
  patientID: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUID: string;
  studyDate: string;
  studyTime: string;
  referringPhysicianName: string;
  studyID: string;
  accessionNumber: string;
  studyDescription: string;
  seriesInstanceUID: string;
  /** SOP Class UID of the series' images. */
  sopClassUID: string;
  frameOfReferenceUID: string;
  /**
   * SliceThickness (0018,0050) of the first image, mm, where it has one: the
   * acquired thickness, which a derived SEG states (the step between slices
   * may differ, e.g. 3 mm slices every 2 mm).
   */
  sliceThickness?: number;
  /**
   * Burned In Annotation (0028,0301) is YES on an image of the series: text
   * such as the patient's name may be drawn into the pixels, which
   * de-identifying the header does not remove.
   */
  burnedInAnnotation?: boolean;
  /** Recognizable Visual Features (0028,0302) is YES on an image of the series: the pixels may show a face or another identifying feature. */
  recognizableVisualFeatures?: boolean;
}

export interface DicomInstance {
  /** File name or URL, for messages. */
  fileName: string;
  sopClassUID: string;
  sopInstanceUID: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  frameOfReferenceUID: string;
  modality: string;
  seriesDescription: string;
  seriesNumber: number | undefined;
  instanceNumber: number | undefined;
  /** ImageType values, upper case (e.g. ['ORIGINAL', 'PRIMARY', 'AXIAL']). */
  imageType: readonly string[];
  patientName: string;
  patientID: string;
  studyDate: string;
  studyDescription: string;
  /*
   * Patient and General Study attributes a derived object (SEG) copies. `parseInstance`
   * always sets them ('' when absent); optional only so that hand-built instances need not.
   */
  patientBirthDate?: string;
  patientSex?: string;
  studyTime?: string;
  referringPhysicianName?: string;
  studyID?: string;
  accessionNumber?: string;
  /** Burned In Annotation (0028,0301) and Recognizable Visual Features (0028,0302) are YES: the pixels may identify the patient. Absent: not YES. */
  burnedInAnnotation?: boolean;
  recognizableVisualFeatures?: boolean;
  pixel: PixelDescriptor;
  numberOfFrames: number;
  /** Per frame (length numberOfFrames): geometry and modality LUT, from the frame's functional groups where present. */
  frames: readonly FrameGeometry[];
  /** Window from the file, first value, if any (real-world units). */
  windowCenter: number | undefined;
  windowWidth: number | undefined;
  /** PixelPaddingValue as a stored value, if present. */
  pixelPaddingValue: number | undefined;
  /** Whether the pixel data is encapsulated (compressed) */
  encapsulated: boolean;
  /** True when the file had no preamble/meta header (ACR-NEMA style). */
  legacyNoMeta: boolean;
  /** The file's bytes (inflated for deflated transfer syntaxes). Dropped by the loader once decoded. */
  bytes: Uint8Array;
  /** Where the pixel data lies in `bytes`; set by `parseInstance`, read by `frameBytes`. */
  pixelData?: PixelDataLocation;
  /**
   * Every frame already in real-world values, in place in `bytes`: the loader converts 16-bit
   * native frames as each file arrives (`convertOnArrival`), while the rest are still read. Once
   * set, `bytes` no longer holds the stored values; frames are taken from here.
   */
  realWorld?: RealWorldFrame[];
}

/** One frame in real-world values (stored · slope + intercept, rounded, clamped to Int16), with what the conversion saw. */
export interface RealWorldFrame {
  values: Int16Array;
  /** Lowest and highest value written (Infinity and −Infinity for an empty frame). */
  min: number;
  max: number;
  /** Values that fell outside Int16 and were clamped. */
  clamped: number;
}
