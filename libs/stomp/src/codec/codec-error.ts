/** Stable codes for everything the decoder can refuse; the session maps them to ERROR frames. */
export type CodecErrorCode =
  | 'frame-too-large'
  | 'too-many-headers'
  | 'header-too-long'
  | 'bad-escape'
  | 'malformed-header'
  | 'bad-content-length'
  | 'missing-null-terminator'
  | 'unknown-command'
  | 'empty-command'
  /** Encoder only: a header that this version cannot carry without changing the frame's structure. */
  | 'unencodable-header';

export class StompCodecError extends Error {
  override readonly name = 'StompCodecError';
  constructor(readonly code: CodecErrorCode, message: string) {
    super(message);
  }
}
