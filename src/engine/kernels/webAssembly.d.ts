/**
 * The part of the WebAssembly JavaScript API that the kernels use. Node has the API as a global,
 * but its types come with TypeScript's DOM library, which Node code is not compiled with
 * (tsconfig.json), so they are declared here.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    /** `imports` gives the module what it imports, e.g. `{ env: { memory } }`. */
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  /** Whether the bytes are a module this engine can compile (its features included). */
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  class Memory {
    /** Sizes in pages of 64 KiB; a shared memory (threads) needs its maximum. */
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    /** Grows by `delta` pages of 64 KiB; the previous size in pages. */
    grow(delta: number): number;
  }
  class Global {
    value: unknown;
  }
}
