/** Generated sections of the guides match what their generators produce from the code now. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GUIDE, SECTION, tutorialCnnTable } from '../../tools/docs/gen-tables.js';
import { readGenerated } from '../../tools/docs/generated.js';

describe('Weight initialisation guide', () => {
  it("shows the tutorial CNN's fans and stds exactly as @minidl/init tabulates them", () => {
    // If this fails, run: npx tsx --conditions=@minidl/source tools/docs/gen-tables.ts
    expect(readGenerated(readFileSync(GUIDE, 'utf8'), SECTION)).toBe(tutorialCnnTable());
  });

  it('agrees with PyTorch on the formulas (values computed with torch 2.13 by hand)', () => {
    // torch.nn.init._calculate_fan_in_and_fan_out and the schemes' stds for Conv2d(16, 32, 3):
    // fans 144/288, xavier sqrt(2/432), kaiming sqrt(2/144), default 1/sqrt(3*144).
    expect(tutorialCnnTable()).toContain(
      '| `layer.2` | `Conv2d(16, 32, 3)` | `[32, 16, 3, 3]` | 144 | 288 | 0.0200 | 0.0680 | 0.1179 | 0.0481 |',
    );
  });
});
