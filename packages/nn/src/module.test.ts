import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../test/helpers.js';
import { F, nn } from './index.js';

/** A model written the way a PyTorch user writes one: fields, constructor assignments, a buffer. */
class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  act = new nn.ReLU();
  head: nn.Sequential;
  scale: nn.Parameter;
  declare steps: Tensor;

  constructor() {
    super();
    this.head = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    this.scale = new nn.Parameter(torch.ones([1]));
    this.register_buffer('steps', torch.zeros([1]));
    this.register_buffer('cache', torch.zeros([2]), { persistent: false });
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
  }
}

describe('Module registration and traversal', () => {
  it('registers assigned parameters, buffers and submodules with PyTorch dotted names and order', () => {
    const net = new Net();
    // PyTorch: a module's own parameters first, then each child's, in assignment order.
    expect(net.named_parameters().map(([n]) => n)).toEqual([
      'scale',
      'fc1.weight',
      'fc1.bias',
      'head.0.weight',
      'head.0.bias',
      'head.1.weight',
      'head.1.bias',
    ]);
    expect(net.named_buffers().map(([n]) => n)).toEqual([
      'steps',
      'cache',
      'head.1.running_mean',
      'head.1.running_var',
      'head.1.num_batches_tracked',
    ]);
    expect(net.named_children().map(([n]) => n)).toEqual(['fc1', 'act', 'head']);
    expect(net.named_modules().map(([n]) => n)).toEqual(['', 'fc1', 'act', 'head', 'head.0', 'head.1']);
    expect(net.modules()[0]).toBe(net);
    expect(net.parameters({ recurse: false })).toEqual([net.scale]);
    expect(net.parameters()).toHaveLength(7);
  });

  it('keeps the position on re-assignment and drops a deleted member, like a Python dict', () => {
    const net = new Net();
    net.fc1 = new nn.Linear(4, 3, false);
    expect(net.named_children().map(([n]) => n)).toEqual(['fc1', 'act', 'head']);
    expect(net.named_parameters().map(([n]) => n)).toContain('fc1.weight');
    expect(net.named_parameters().map(([n]) => n)).not.toContain('fc1.bias');
    delete (net as Partial<Net>).act;
    expect(net.named_children().map(([n]) => n)).toEqual(['fc1', 'head']);
  });

  it('lists a shared module or parameter once, unless remove_duplicate is false', () => {
    const shared = new nn.Linear(2, 2);
    const seq = new nn.Sequential(shared, new nn.ReLU(), shared);
    expect(seq.named_modules().map(([n]) => n)).toEqual(['', '0', '1']);
    expect(seq.named_modules({ remove_duplicate: false }).map(([n]) => n)).toEqual(['', '0', '1', '2']);
    expect(seq.parameters()).toHaveLength(2);
    expect(seq.named_parameters({ remove_duplicate: false }).map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
    ]);
    // state_dict keeps both names, as PyTorch's does.
    expect(Object.keys(seq.state_dict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('ignores plain tensors and other values that were not registered', () => {
    class Holder extends nn.Module {
      plain = torch.zeros([2]);
      list = [new nn.Linear(1, 1)];
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const h = new Holder();
    expect(h.named_parameters()).toEqual([]);
    expect(h.named_buffers()).toEqual([]);
    expect(h.children()).toEqual([]);
  });

  it('applies a function to every submodule, children before parents (PyTorch order)', () => {
    const inner = new nn.Sequential(new nn.ReLU(), new nn.Linear(2, 2));
    const outer = new nn.Sequential(new nn.Linear(2, 2), inner);
    const seen: string[] = [];
    expect(
      outer.apply((m) => seen.push(m === outer ? 'outer' : m === inner ? 'inner' : m.constructor.name)),
    ).toBe(outer);
    expect(seen).toEqual(['Linear', 'ReLU', 'Linear', 'inner', 'outer']);
  });

  it('finds submodules by dotted path', () => {
    const net = new Net();
    expect(net.get_submodule('head.1')).toBeInstanceOf(nn.BatchNorm1d);
    expect(net.get_submodule('')).toBe(net);
    expect(() => net.get_submodule('head.7')).toThrow('Sequential has no attribute `7`');
    expect(() => net.get_submodule('fc1.weight')).toThrow('`weight` is not an nn.Module');
  });
});

describe('Module registration errors', () => {
  it('rejects bad names and values as PyTorch does', () => {
    const m = new nn.Linear(2, 2);
    expect(() => m.register_parameter('a.b', null)).toThrow('parameter name can\'t contain "."');
    expect(() => m.register_parameter('', null)).toThrow('parameter name can\'t be empty string ""');
    expect(() => m.register_parameter('forward', null)).toThrow("attribute 'forward' already exists");
    expect(() => m.register_parameter('w2', torch.zeros([2]) as nn.Parameter)).toThrow(
      "cannot assign 'Tensor' object to parameter 'w2' (nn.Parameter or null required)",
    );
    expect(() => m.register_buffer('weight', torch.zeros([2]))).toThrow("attribute 'weight' already exists");
    expect(() => m.add_module('x.y', new nn.ReLU())).toThrow('module name can\'t contain ".", got: x.y');
    expect(() => m.add_module('z', {} as nn.Module)).toThrow('Object is not a Module subclass');
    // Overwriting a parameter with a plain tensor (or a child with a non-module) is PyTorch's TypeError.
    const fc = new nn.Linear(2, 2);
    fc.weight = torch.zeros([2, 2]) as nn.Parameter;
    expect(() => fc.parameters()).toThrow(
      "cannot assign 'Tensor' as parameter 'weight' (nn.Parameter or null expected); to change its values write through .data",
    );
    const seq = new nn.Sequential(new nn.ReLU());
    (seq as unknown as Record<string, unknown>)['0'] = 3;
    expect(() => seq.children()).toThrow(
      "cannot assign 'number' as child module '0' (nn.Module or null expected)",
    );
    const bn = new nn.BatchNorm1d(2);
    (bn as unknown as Record<string, unknown>).running_mean = [0, 0];
    expect(() => bn.buffers()).toThrow(
      "cannot assign 'Array' as buffer 'running_mean' (Tensor or null expected)",
    );
    m.register_parameter('extra', new nn.Parameter(torch.zeros([1])));
    expect(m.named_parameters().map(([n]) => n)).toEqual(['weight', 'bias', 'extra']);
  });
});

describe('modes and gradients', () => {
  it('switches train/eval recursively and validates the flag', () => {
    const net = new Net();
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(() => net.train('no' as unknown as boolean)).toThrow('training mode is expected to be boolean');
  });

  it('zeroes gradients to null or to zeros, and freezes with requires_grad_(false)', () => {
    const fc = new nn.Linear(3, 2);
    fc.forward(torch.ones([4, 3]))
      .sum()
      .backward();
    expect(fc.weight.grad!.toFloat32Array().some((v) => v !== 0)).toBe(true);
    fc.zero_grad({ set_to_none: false });
    expect([...fc.weight.grad!.toFloat32Array()]).toEqual([0, 0, 0, 0, 0, 0]);
    fc.zero_grad();
    expect(fc.weight.grad).toBeNull();
    fc.requires_grad_(false);
    expect(fc.parameters().map((p) => p.requires_grad)).toEqual([false, false]);
    expect(fc.forward(torch.ones([1, 3])).requires_grad).toBe(false);
  });

  it('makes parameters leaves that require grad, whose ops give plain tensors', () => {
    const p = new nn.Parameter(torch.ones([2]));
    expect(p.requires_grad).toBe(true);
    expect(p.is_leaf).toBe(true);
    expect(p.mul(2)).not.toBeInstanceOf(nn.Parameter);
    expect(p.data).not.toBeInstanceOf(nn.Parameter);
    p.data.fill_(3); // .data shares storage and may be written in place
    expect([...p.toFloat32Array()]).toEqual([3, 3]);
    expect(new nn.Parameter(torch.ones([1]), false).requires_grad).toBe(false);
  });
});

describe('forward hooks', () => {
  it('run around forward in registration order, may replace inputs and outputs, and come off with remove()', () => {
    const net = new Net();
    const calls: string[] = [];
    const pre = net.fc1.register_forward_pre_hook((m, [x]) => {
      calls.push(`pre ${m.constructor.name} [${x.shape}]`);
      return [x.mul(0)];
    });
    const post1 = net.fc1.register_forward_hook((_m, _args, out: Tensor) => {
      calls.push(`post1 [${out.shape}]`);
    });
    const post2 = net.fc1.register_forward_hook((_m, _args, out: Tensor) => out.add(1));
    const out = net.fc1.forward(torch.ones([2, 4]));
    expect(calls).toEqual(['pre Linear [2,4]', 'post1 [2,3]']);
    // zeroed input, so the output is the bias, then + 1 from the second hook
    expect(out.tolist()).toEqual(net.fc1.bias!.add(1).expand(2, 3).tolist());
    // hooks fire when the parent calls the child's forward too, and are invisible to traversals
    net.forward(torch.ones([3, 4]));
    expect(calls).toHaveLength(4);
    expect(Object.keys(net.fc1)).not.toContain('forward');
    expect(Object.keys(net.state_dict())).toContain('fc1.weight');
    pre.remove();
    post1.remove();
    post2.remove();
    expect(Object.hasOwn(net.fc1, 'forward')).toBe(false);
    expect(net.fc1.forward(torch.zeros([1, 4])).tolist()).toEqual([net.fc1.bias!.tolist()]);
  });
});

describe('devices', () => {
  it('moves parameters, gradients and buffers to another backend in place', () => {
    const net = new Net();
    const before = net.state_dict();
    net
      .forward(torch.ones([2, 4]))
      .sum()
      .backward();
    const weight = net.fc1.weight;
    expect(net.to('js')).toBe(net);
    expect(net.fc1.weight).toBe(weight);
    expect(net.parameters().every((p) => p.device === 'js' && p.grad!.device === 'js')).toBe(true);
    expect(net.buffers().every((b) => b.device === 'js')).toBe(true);
    expect(net.state_dict()['head.1.running_var']!.tolist()).toEqual(before['head.1.running_var']!.tolist());
    expect(net.forward(torch.ones([2, 4]).to('js')).device).toBe('js');
    // ops that make helper tensors (loss targets, padding) make them where the input lives
    const conv = new nn.Conv2d(1, 1, 2, { padding: 'same' }).to('js');
    expect(conv.forward(torch.ones([1, 1, 3, 3]).to('js')).device).toBe('js');
    const logits = torch.randn([2, 3]).to('js');
    const target = torch.tensor([0, 2], { dtype: 'int64' }).to('js');
    expect(F.cross_entropy(logits, target, { label_smoothing: 0.1 }).device).toBe('js');
    expect(F.avg_pool2d(torch.ones([1, 1, 4, 4]).to('js'), 2, { divisor_override: 3 }).device).toBe('js');
    net.to(torch.get_backend());
  });

  it('casts floating parameters and buffers to float64 in place (double, float, to(dtype))', () => {
    const net = new Net();
    const weight = net.fc1.weight;
    const before = weight.tolist();
    const opt = [weight]; // what an optimizer built earlier holds
    expect(net.double()).toBe(net);
    expect(net.fc1.weight).toBe(opt[0]);
    expect(net.parameters().every((p) => p.dtype === 'float64')).toBe(true);
    expect(weight.tolist()).toEqual(before); // float32 values are exact doubles
    const buffers = Object.fromEntries(net.named_buffers());
    expect(buffers['head.1.running_mean']!.dtype).toBe('float64');
    expect(buffers['head.1.num_batches_tracked']!.dtype).toBe('int64'); // integers are left alone, as PyTorch
    const out = net.forward(torch.ones([2, 4], { dtype: 'float64' }));
    expect(out.dtype).toBe('float64');
    out.sum().backward();
    expect(weight.grad!.dtype).toBe('float64');
    net.float();
    expect(net.parameters().every((p) => p.dtype === 'float32' && p.grad?.dtype !== 'float64')).toBe(true);
    expect(() => net.to('int64' as 'float32')).toThrow(
      'nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64', // PyTorch 2.13's text, checked
    );
  });
});

describe('state_dict and load_state_dict', () => {
  it("uses PyTorch's keys and order, detaches values, and leaves out non-persistent buffers", () => {
    const net = new Net();
    const sd = net.state_dict();
    expect(Object.keys(sd)).toEqual([
      'scale',
      'steps',
      'fc1.weight',
      'fc1.bias',
      'head.0.weight',
      'head.0.bias',
      'head.1.weight',
      'head.1.bias',
      'head.1.running_mean',
      'head.1.running_var',
      'head.1.num_batches_tracked',
    ]);
    expect(sd['fc1.weight']!.requires_grad).toBe(false);
    expect(sd['fc1.weight']!.storage).toBe(net.fc1.weight.storage);
    expect(net.state_dict({ keep_vars: true })['fc1.weight']).toBe(net.fc1.weight);
    expect(Object.keys(net.fc1.state_dict({ prefix: 'x.' }))).toEqual(['x.weight', 'x.bias']);
  });

  it('copies values in from a plain object or a Map', () => {
    const a = new Net();
    const b = new Net();
    b.load_state_dict(a.state_dict());
    expect([...b.fc1.weight.toFloat32Array()]).toEqual([...a.fc1.weight.toFloat32Array()]);
    expect(b.fc1.weight.storage).not.toBe(a.fc1.weight.storage);
    const c = new Net();
    expect(c.load_state_dict(new Map(Object.entries(a.state_dict())))).toEqual({
      missing_keys: [],
      unexpected_keys: [],
    });
    expect([...c.head.at(0).state_dict().weight!.toFloat32Array()]).toEqual([
      ...a.head.at(0).state_dict().weight!.toFloat32Array(),
    ]);
  });

  it("reports missing, unexpected and mis-shaped keys together in PyTorch's words", () => {
    const { errors } = loadFixture<{ errors: Record<string, { message: string }> }>('layers.json');
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    const sd = {
      '0.weight': torch.zeros([3, 4]),
      '0.bias': torch.zeros([3]),
      '2.bias': torch.zeros([1]),
      extra: torch.zeros([1]),
      '5.weight': torch.zeros([1]),
    };
    expect(() => model.load_state_dict(sd)).toThrow(errors.load_state_dict!.message);
    // Without strict, missing and unexpected keys are returned, but a shape mismatch still fails.
    const { '0.weight': _, ...rest } = sd;
    expect(model.load_state_dict(rest, { strict: false })).toEqual({
      missing_keys: ['0.weight', '2.weight'],
      unexpected_keys: ['extra', '5.weight'],
    });
    expect(() => model.load_state_dict(sd, false)).toThrow('size mismatch for 0.weight');
  });
});

describe('Sequential', () => {
  it('indexes, counts, iterates and appends like PyTorch', () => {
    const a = new nn.Linear(2, 2);
    const b = new nn.ReLU();
    const seq = new nn.Sequential(a, b);
    expect(seq[0]).toBe(a);
    expect(seq.at(-1)).toBe(b);
    expect(() => seq.at(2)).toThrow('index 2 is out of range');
    expect(seq.length).toBe(2);
    expect([...seq]).toEqual([a, b]);
    const c = new nn.Linear(2, 1);
    seq.append(c);
    expect(seq.length).toBe(3);
    expect(seq.named_parameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.forward(torch.ones([5, 2])).shape).toEqual([5, 1]);
  });

  it('takes named children from a Map and runs a repeated child each time', () => {
    const seq = new nn.Sequential(
      new Map<string, nn.Module>([
        ['conv', new nn.Linear(1, 1)],
        ['act', new nn.ReLU()],
      ]),
    );
    expect(seq.named_children().map(([n]) => n)).toEqual(['conv', 'act']);
    const double = new (class extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.mul(2);
      }
    })();
    const twice = new nn.Sequential(double, double);
    expect(twice.length).toBe(2);
    expect([...twice.forward(torch.ones([1])).toFloat32Array()]).toEqual([4]);
  });
});

describe('ModuleList', () => {
  it('registers the modules of a list, indexes them and prints them like PyTorch', () => {
    class MLP extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(2, 3), new nn.Linear(3, 1)]);
      forward(x: Tensor): Tensor {
        let h = x;
        for (const layer of this.layers) h = layer.forward(h);
        return h;
      }
    }
    const mlp = new MLP();
    expect(mlp.named_parameters().map(([n]) => n)).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
    ]);
    expect(mlp.layers.at(-1)).toBe(mlp.layers[1]);
    expect(mlp.forward(torch.ones([4, 2])).shape).toEqual([4, 1]);
    expect(() => mlp.layers.forward()).toThrow(
      'Module [ModuleList] is missing the required "forward" function',
    );
    expect(mlp.toString()).toBe(
      [
        'MLP(',
        '  (layers): ModuleList(',
        '    (0): Linear(in_features=2, out_features=3, bias=True)',
        '    (1): Linear(in_features=3, out_features=1, bias=True)',
        '  )',
        ')',
      ].join('\n'),
    );
  });
});

describe('printed form', () => {
  it("matches PyTorch's repr for nested models", () => {
    const net = new Net();
    expect(net.toString()).toBe(
      [
        'Net(',
        '  (fc1): Linear(in_features=4, out_features=3, bias=True)',
        '  (act): ReLU()',
        '  (head): Sequential(',
        '    (0): Linear(in_features=3, out_features=2, bias=True)',
        '    (1): BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)',
        '  )',
        ')',
      ].join('\n'),
    );
  });
});
