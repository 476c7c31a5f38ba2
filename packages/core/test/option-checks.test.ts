// The option checks plugins share: one wording for every package's configuration errors.
import { ConfigurationError, checkOptionKeys, describeValue, invalidOption } from '@axle/core';

describe('describeValue', () => {
  it('shows short values with their type and hides objects and long strings', () => {
    expect(describeValue(-1)).toBe('number -1');
    expect(describeValue(true)).toBe('boolean true');
    expect(describeValue('GET')).toBe('"GET"');
    expect(describeValue('x'.repeat(61))).toBe('a long string');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(() => 1)).toBe('function');
  });

  it('never echoes a string given to an option that names a secret', () => {
    for (const option of ['oauth2.clientSecret', 'auth.password', 'token', 'apiKey', 'jwtAssertion']) {
      expect(describeValue('hunter2', option)).toBe('a string');
    }
    expect(describeValue('hunter2', 'oauth2.scope')).toBe('"hunter2"');
  });
});

describe('invalidOption', () => {
  it('names the option, what it must be and what it got', () => {
    const error = invalidOption('rateLimit.maxRequests', 'a whole number above 0', 0);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe('rateLimit.maxRequests must be a whole number above 0; got number 0');
    expect(error.option).toBe('rateLimit.maxRequests');
    expect(invalidOption('oauth2.clientSecret', 'a non-empty string', 's3').message).not.toContain('s3');
  });
});

describe('checkOptionKeys', () => {
  const known = ['maxRequests', 'timeWindow', 'queueSize'];

  it('accepts known keys and an empty object', () => {
    expect(() => checkOptionKeys({ maxRequests: 1, timeWindow: 2 }, known, 'rateLimit')).not.toThrow();
    expect(() => checkOptionKeys({}, known, 'rateLimit')).not.toThrow();
  });

  it('rejects what is not a plain object', () => {
    for (const value of [null, [], 'x', 5]) {
      expect(() => checkOptionKeys(value, known, 'rateLimit')).toThrow(/^rateLimit options must be an object; got /);
    }
  });

  it('suggests the key a misspelling or an alias meant, else lists the valid ones', () => {
    expect(() => checkOptionKeys({ max_requests: 1 }, known, 'rateLimit')).toThrow(
      'Unknown rateLimit option "max_requests": did you mean "maxRequests"?',
    );
    expect(() => checkOptionKeys({ maxsize: 1 }, known, 'rateLimit', new Map([['maxsize', 'queueSize']]))).toThrow(
      'Unknown rateLimit option "maxsize": did you mean "queueSize"?',
    );
    try {
      checkOptionKeys({ colour: 'red' }, known, 'rateLimit');
      throw new Error('accepted an unknown key');
    } catch (error) {
      expect((error as ConfigurationError).message).toBe(
        'Unknown rateLimit option "colour"; valid options are maxRequests, timeWindow, queueSize',
      );
      expect((error as ConfigurationError).option).toBe('rateLimit.colour');
    }
  });
});
