// The part of cornerstone-wado-image-loader 4.13 (which ships no types) that the peer bench uses.
declare module 'cornerstone-wado-image-loader' {
  interface WebWorkerManagerConfig {
    maxWebWorkers?: number;
    startWebWorkersOnDemand?: boolean;
    taskConfiguration?: { decodeTask?: { initializeCodecsOnStartup?: boolean; strict?: boolean } };
  }
  interface CornerstoneWADOImageLoader {
    external: { cornerstone: unknown; dicomParser: unknown };
    configure(options: { strict?: boolean; decodeConfig?: Record<string, unknown> }): void;
    webWorkerManager: {
      initialize(config: WebWorkerManagerConfig): void;
      getStatistics(): { maxWebWorkers: number; numWebWorkers: number; numTasksQueued: number; numTasksExecuting: number; numTasksCompleted: number };
    };
    wadouri: { fileManager: { add(file: Blob): string; purge(): void } };
  }
  const cornerstoneWADOImageLoader: CornerstoneWADOImageLoader;
  export default cornerstoneWADOImageLoader;
}
