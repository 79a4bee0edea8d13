import { empty, manual_seed, type Tensor, warnings } from '@minidl/tensor';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixture } from './fixtures.test-helpers.js';
import * as init from './index.js';
import {
  calculate_fan_in_and_fan_out,
  calculate_gain,
  dirac_,
  eye_,
  kaiming_normal_,
  kaiming_uniform_,
  lecun_normal_,
  normal_,
  orthogonal_,
  sparse_,
  trunc_normal_,
  uniform_,
  variance_scaling_,
  xavier_normal_,
  xavier_uniform_,
} from './index.js';

const t34 = () => empty([3, 4]);
const e = (...shape: number[]) => empty(shape);
const bad = <T>(x: unknown) => x as T;

/** The JS port of each bad call PyTorch was given in tools/fixtures/init.py. */
const calls: Record<string, () => unknown> = {
  "calculate_gain('gelu')": () => calculate_gain('gelu'),
  "calculate_gain('leaky_relu', True)": () => calculate_gain('leaky_relu', bad<number>(true)),
  "calculate_gain('leaky_relu', '0.2')": () => calculate_gain('leaky_relu', bad<number>('0.2')),
  'calculate_fan_in_and_fan_out([3])': () => calculate_fan_in_and_fan_out(e(3)),
  'calculate_fan_in_and_fan_out([])': () => calculate_fan_in_and_fan_out(e()),
  "kaiming_uniform_([3,4], mode='fan_avg')": () => kaiming_uniform_(t34(), { mode: 'fan_avg' }),
  "kaiming_normal_([3,4], mode='FAN_AVG')": () => kaiming_normal_(t34(), { mode: 'FAN_AVG' }),
  'kaiming_uniform_([3])': () => kaiming_uniform_(e(3)),
  'kaiming_normal_([3])': () => kaiming_normal_(e(3)),
  "kaiming_uniform_([3,4], nonlinearity='gelu')": () => kaiming_uniform_(t34(), { nonlinearity: 'gelu' }),
  'xavier_uniform_([5])': () => xavier_uniform_(e(5)),
  'xavier_normal_([5])': () => xavier_normal_(e(5)),
  'xavier_uniform_([0,0])': () => xavier_uniform_(e(0, 0)),
  'eye_([2,2,2])': () => eye_(e(2, 2, 2)),
  'eye_([3])': () => eye_(e(3)),
  'dirac_([3,3])': () => dirac_(e(3, 3)),
  'dirac_([3,2,3], groups=2)': () => dirac_(e(3, 2, 3), 2),
  'orthogonal_([3])': () => orthogonal_(e(3)),
  'dirac_([4,2,3], groups=0)': () => dirac_(e(4, 2, 3), 0),
  'sparse_([4,3], nan)': () => sparse_(e(4, 3), Number.NaN),
  'sparse_([4,3], inf)': () => sparse_(e(4, 3), Number.POSITIVE_INFINITY),
  'sparse_([3,3,3], 0.1)': () => sparse_(e(3, 3, 3), 0.1),
  'uniform_([3,4], 1, 0)': () => uniform_(t34(), 1, 0),
  'normal_([3,4], 0, -1)': () => normal_(t34(), 0, -1),
  'trunc_normal_([3,4], std=0)': () => trunc_normal_(t34(), { std: 0 }),
  'trunc_normal_([3,4], std=-1)': () => trunc_normal_(t34(), { std: -1 }),
};

describe("PyTorch's errors for bad arguments", () => {
  it('covers every case in the fixture', () => {
    expect(Object.keys(calls).sort()).toEqual(Object.keys(fixture.errors).sort());
  });
  for (const [name, want] of Object.entries(fixture.errors)) {
    it(name, () => {
      const call = calls[name]!;
      if (want === null) expect(call).not.toThrow();
      else expect(call).toThrow(want.message);
    });
  }
});

// PyTorch's fixtures record every warning of a call (Python's 'always' filter); the default filter
// would show a repeated message once per process.
beforeAll(() => warnings.simplefilter('always'));
afterAll(() => warnings.simplefilter('default'));

describe("PyTorch's warnings", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const calls: Record<string, () => Tensor> = {
    'kaiming_uniform_([0,3])': () => kaiming_uniform_(e(0, 3)),
    'kaiming_normal_([4,0,3])': () => kaiming_normal_(e(4, 0, 3)),
    'xavier_uniform_([0,3])': () => xavier_uniform_(e(0, 3)),
    'trunc_normal_([3,4], mean=5)': () => trunc_normal_(t34(), 5),
    'trunc_normal_([3,4], mean=-4.5, a=-2, b=2)': () => trunc_normal_(t34(), -4.5),
  };
  for (const [name, want] of Object.entries(fixture.warnings)) {
    it(name, () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      calls[name]!();
      expect(warn.mock.calls).toEqual(want.map((m) => [m, 'UserWarning']));
    });
  }
});

describe('errors of the beyond-PyTorch functions', () => {
  it('variance_scaling_ rejects bad scale, mode and distribution', () => {
    expect(() => variance_scaling_(t34(), { scale: 0 })).toThrow(
      '`scale` must be positive float. Received: scale=0',
    );
    expect(() => variance_scaling_(t34(), { mode: bad('fan_max') })).toThrow(
      'invalid mode for variance scaling initializer: fan_max',
    );
    expect(() => variance_scaling_(t34(), { distribution: bad('cauchy') })).toThrow(
      'invalid distribution for variance scaling initializer: cauchy',
    );
    expect(() => lecun_normal_(e(3))).toThrow('fewer than 2 dimensions');
  });

  it('variance_scaling_ warns and draws nothing for zero-element tensors', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    variance_scaling_(e(0, 4));
    expect(warn).toHaveBeenCalledWith('Initializing zero-element tensors is a no-op', 'UserWarning');
    warn.mockRestore();
  });
});

describe("PyTorch's deprecated names without the underscore", () => {
  it('warn with FutureWarning and fill like the in-place function', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    manual_seed(4);
    const a = init.xavier_normal(empty([5, 6])).toFloat32Array();
    manual_seed(4);
    expect(init.xavier_normal_(empty([5, 6])).toFloat32Array()).toEqual(a);
    expect(warn).toHaveBeenCalledWith(
      '`nn.init.xavier_normal` is now deprecated in favor of `nn.init.xavier_normal_`.',
      'FutureWarning',
    );
    const names = ['uniform', 'normal', 'constant', 'eye', 'dirac', 'xavier_uniform', 'xavier_normal'];
    for (const name of [...names, 'kaiming_uniform', 'kaiming_normal', 'orthogonal', 'sparse']) {
      expect(typeof (init as Record<string, unknown>)[name], name).toBe('function');
    }
    warn.mockRestore();
  });
});
