// warnings: Python's filter actions over Node's process warnings.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simplefilter, warn } from './warnings.js';

describe('warnings', () => {
  afterEach(() => {
    simplefilter('default');
    vi.restoreAllMocks();
  });

  it("shows a warning once by default, through process.emitWarning with Python's category", () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    warn('first text, shown once');
    warn('first text, shown once');
    warn('first text, shown once', 'FutureWarning'); // another category is another warning
    expect(emit.mock.calls).toEqual([
      ['first text, shown once', 'UserWarning'],
      ['first text, shown once', 'FutureWarning'],
    ]);
  });

  it("follows simplefilter: 'always', 'ignore' and 'error'", () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    simplefilter('always');
    warn('repeated');
    warn('repeated');
    expect(emit).toHaveBeenCalledTimes(2);
    simplefilter('ignore');
    warn('never shown');
    expect(emit).toHaveBeenCalledTimes(2);
    simplefilter('error');
    expect(() => warn('now an error', 'DeprecationWarning')).toThrow('DeprecationWarning: now an error');
  });

  it('falls back to console.warn where there is no process (a browser)', () => {
    const log = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubGlobal('process', undefined);
    try {
      warn('in a page');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(log).toHaveBeenCalledWith('UserWarning: in a page');
  });
});
