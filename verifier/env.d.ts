// The verifier compiles against ES2022 alone (no DOM, no Node types) so that it cannot reach for I/O,
// time or the environment by accident. These two encoders exist in every browser and in Node >= 11.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
