import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMES } from './options.js';
import {
  applyScheme,
  BUILTIN_SCHEMES,
  type InitApi,
  loadSchemeModule,
  resolveSchemes,
  schemeDescriptions,
} from './schemes.js';

/** A fake torch.nn.init that records its calls, and layers whose tensors are names. */
function recording() {
  const calls: string[] = [];
  const record =
    (fn: string) =>
    (t: string, ...args: unknown[]) => {
      calls.push(`${fn}(${[t, ...args.map((a) => JSON.stringify(a))].join(', ')})`);
      return t;
    };
  const init: InitApi<string> = {
    normal_: record('normal_'),
    uniform_: record('uniform_'),
    zeros_: record('zeros_'),
    xavier_normal_: record('xavier_normal_'),
    xavier_uniform_: record('xavier_uniform_'),
    kaiming_normal_: record('kaiming_normal_'),
    kaiming_uniform_: record('kaiming_uniform_'),
    orthogonal_: record('orthogonal_'),
  };
  const layer = (name: string) => ({
    weight: { data: `${name}.weight` },
    bias: { data: { fill_: (v: number) => calls.push(`${name}.bias.fill_(${v})`) } },
  });
  const layers = [
    { name: 'layer.0', kind: 'Conv2d' as const, module: layer('layer.0') },
    { name: 'fc_layer.2', kind: 'Linear' as const, module: layer('fc_layer.2') },
  ];
  return { calls, init, layers };
}

function callsOf(scheme: keyof typeof BUILTIN_SCHEMES): string[] {
  const r = recording();
  applyScheme(BUILTIN_SCHEMES[scheme], r.layers, r.init);
  return r.calls;
}

describe('built-in schemes', () => {
  it("make exactly the tutorial's calls on every Conv2d and Linear, in order", () => {
    expect(callsOf('small-normal')).toEqual([
      'normal_(layer.0.weight, 0, 0.02)',
      'layer.0.bias.fill_(0)',
      'normal_(fc_layer.2.weight, 0, 0.02)',
      'fc_layer.2.bias.fill_(0)',
    ]);
    expect(callsOf('xavier')).toEqual([
      'xavier_normal_(layer.0.weight)',
      'layer.0.bias.fill_(0)',
      'xavier_normal_(fc_layer.2.weight)',
      'fc_layer.2.bias.fill_(0)',
    ]);
    expect(callsOf('kaiming')).toEqual([
      'kaiming_normal_(layer.0.weight)',
      'layer.0.bias.fill_(0)',
      'kaiming_normal_(fc_layer.2.weight)',
      'fc_layer.2.bias.fill_(0)',
    ]);
  });

  it('make the documented calls for the other schemes', () => {
    expect(callsOf('pytorch-default')).toEqual([]);
    expect(callsOf('uniform01')).toEqual(['uniform_(layer.0.weight)', 'uniform_(fc_layer.2.weight)']);
    expect(callsOf('kaiming-fan-out')[0]).toBe(
      'kaiming_normal_(layer.0.weight, {"mode":"fan_out","nonlinearity":"relu"})',
    );
    expect(callsOf('lecun-normal')[0]).toBe('kaiming_normal_(layer.0.weight, {"nonlinearity":"linear"})');
    expect(callsOf('zeros')).toContain('zeros_(fc_layer.2.weight)');
    expect(callsOf('orthogonal')[0]).toBe('orthogonal_(layer.0.weight)');
    expect(callsOf('xavier-uniform')[0]).toBe('xavier_uniform_(layer.0.weight)');
    expect(callsOf('kaiming-uniform')[0]).toBe('kaiming_uniform_(layer.0.weight)');
  });

  it('describes every scheme', () => {
    expect(Object.keys(schemeDescriptions())).toEqual([...SCHEMES]);
  });
});

describe('user scheme modules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minidl-scheme-'));

  it('loads the default export, names it and fingerprints its source', async () => {
    const path = join(dir, 'half-normal.mjs');
    writeFileSync(
      path,
      'export default (layer, { init }) => { init.normal_(layer.weight.data, 0, 0.5); };\n',
    );
    const scheme = await loadSchemeModule(path);
    expect(scheme.name).toBe('half-normal');
    expect(scheme.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    const r = recording();
    applyScheme(scheme, r.layers, r.init);
    expect(r.calls).toEqual(['normal_(layer.0.weight, 0, 0.5)', 'normal_(fc_layer.2.weight, 0, 0.5)']);
  });

  it('uses an exported name and init function', async () => {
    const path = join(dir, 'other.mjs');
    writeFileSync(
      path,
      "export const name = 'tiny';\nexport const description = 'd';\nexport function init() {}\n",
    );
    const [scheme] = await resolveSchemes([path]);
    expect(scheme).toMatchObject({ name: 'tiny', description: 'd' });
  });

  it('explains what a module must export, and refuses missing files and clashing names', async () => {
    const bad = join(dir, 'bad.mjs');
    writeFileSync(bad, 'export const x = 1;\n');
    await expect(loadSchemeModule(bad)).rejects.toThrow(
      'must export a function (layer, { init, kind, name }) => void',
    );
    await expect(loadSchemeModule(join(dir, 'missing.mjs'))).rejects.toThrow("scheme module '");
    const clash = join(dir, 'clash.mjs');
    writeFileSync(clash, "export const name = 'kaiming';\nexport default () => {};\n");
    await expect(loadSchemeModule(clash)).rejects.toThrow("'kaiming', which is a built-in scheme");
  });
});
