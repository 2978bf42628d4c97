/** Request schema parts the routes share: times, steps and inline timestamps, with the bounds the engines need. */
import { Type } from 'typebox';
import { MAX_STEP_SECONDS, MAX_TIME_MS } from '../usecases/time.ts';

/** A time as users type it; numbers are checked against the supported range by parseTime (naming the field). */
export const TimeValue = Type.Union([Type.Number(), Type.String({ minLength: 1, maxLength: 64 })], {
  description: 'Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h"',
});

export const StepSeconds = (description?: string) =>
  Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_STEP_SECONDS,
    ...(description ? { description } : {}),
  });

/** Unix seconds of an inline sample, within what a Date can hold and a query can mean (1970..9999). */
export const UNIX_SECONDS_MAX = Math.floor(MAX_TIME_MS / 1000);
export const unixSeconds = { minimum: 0, maximum: UNIX_SECONDS_MAX } as const;
