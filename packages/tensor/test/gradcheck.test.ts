import { describe, it } from 'vitest';
import * as torch from '../src/index.js';
import { GRAD_CASES } from './cases.js';
import { gradcheck } from './gradcheck.js';

describe('finite-difference gradient check', () => {
  for (const [name, make] of GRAD_CASES) {
    it(name, () => {
      const [f, inputs] = make();
      gradcheck(f, inputs, name === 'dropout' ? { before: () => torch.manual_seed(0) } : {});
    });
  }
});
