/** Failures a use case reports to its caller; routes map them to HTTP answers (routes/errors.ts). */

/** A client mistake the request schema cannot catch (e.g. start after end); names the field. */
export class BadRequestError extends Error {
  constructor(
    readonly field: string,
    message: string
  ) {
    super(`${field}: ${message}`);
    this.name = 'BadRequestError';
  }
}

/** Something the request names does not exist; `field` says which part of the request named it (default: id). */
export class NotFoundError extends Error {
  constructor(
    message: string,
    readonly field?: string
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The answer needs a dependency that is not configured (e.g. traces without Tempo): 501, saying what to set. */
export class NotConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotConfiguredError';
  }
}
