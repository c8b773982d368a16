// Web-platform globals that both browsers and Node provide. Shared code runs in both, so its
// own typecheck has neither DOM nor Node types: only these.
declare class TextEncoder {
  encode(input?: string): Uint8Array
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean })
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string
}
declare function structuredClone<T>(value: T, options?: { transfer?: unknown[] }): T
