/** What every refused HTTP request gets: a stable code and one human sentence. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** A refusal decided by the HTTP doors themselves (bad query, body limits); chat rules throw ChatError. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get body(): ErrorBody {
    return { error: this.code, message: this.message };
  }
}
