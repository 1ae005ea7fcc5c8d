/**
 * The slice of dcmjs's untyped API that the sample generator uses: its Part 10 writer
 * (`DicomDict`, `DicomMessage`, `WriteBufferStream`) and reader. Datasets are
 * dcmjs's "denaturalized" form: keys are 8-digit upper-case hex tags.
 */
declare module 'dcmjs' {
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[];
  }
  export type DcmjsDataset = Record<string, DcmjsElement>;

  export interface DcmjsWriteOptions {
    allowInvalidVRLength?: boolean;
    fragmentMultiframe?: boolean;
  }

  export class WriteBufferStream {
    constructor(defaultSize?: number, littleEndian?: boolean);
    size: number;
    getBuffer(start?: number, end?: number): ArrayBuffer | Uint8Array;
  }

  export class DicomDict {
    constructor(meta: DcmjsDataset);
    meta: DcmjsDataset;
    dict: DcmjsDataset;
    write(options?: DcmjsWriteOptions): ArrayBuffer;
  }

  export const DicomMessage: {
    write(dataset: DcmjsDataset, stream: WriteBufferStream, transferSyntaxUID: string, options: DcmjsWriteOptions): number;
    readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDict;
  };

  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict;
      DicomMessage: typeof DicomMessage;
      WriteBufferStream: typeof WriteBufferStream;
    };
  };
  export default dcmjs;
}
