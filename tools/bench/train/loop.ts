/**
 * The training loop `npm run bench -- train` times: the tutorial's MNIST CNN (shared/SEED.md model
 * 3, as the experiments app defines it, with kaiming_normal_ weights and zero biases as the
 * tutorial's code does) on random 28x28 inputs, trained with
 * `optim.SGD` through a shuffling DataLoader, written as a user would write it.
 */
import { loadavg } from 'node:os';
import { F, nn } from '@minidl/nn';
import * as torch from '@minidl/tensor';
import { data, optim } from '@minidl/train';
// the model's source file itself, not the app's entry point (whose image and plotting libraries
// would load into this process and count in its peak RSS)
import { TutorialCNN } from '../../../apps/experiments/src/model.js';

/** SEED.md model 3 (the experiments app's), initialised as the tutorial's code does. */
function tutorialCNN(): TutorialCNN {
  const model = new TutorialCNN();
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
      nn.init.kaiming_normal_(m.weight.data);
      m.bias!.data.fill_(0);
    }
  }
  return model;
}

/** Median figures of the timed steps (the same fields train_torch.py prints). */
export interface StepStats {
  batch: number;
  threads: number;
  steps: number;
  step_ms: number;
  cpu_ms: number;
  samples_per_sec: number;
  peak_rss_mb: number;
  version?: string;
}

/** Memory figures taken every `every` steps in the memory mode. */
export interface MemorySample {
  step: number;
  rss_mb: number;
  heap_mb: number;
  wasm_in_use_mb: number | null;
  wasm_memory_mb: number | null;
  gc_requests: number | null;
  step_ms: number;
  load: number;
}

export interface TrainOptions {
  batch: number;
  /** steps in all, warm-up included */
  steps: number;
  /** leading steps left out of the figures */
  warmup: number;
  backend: string;
  threads?: number;
  /** with onSample: report memory every this many steps */
  every?: number;
  onSample?: (s: MemorySample) => void;
}

const mb = (bytes: number) => +(bytes / 2 ** 20).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

/** Trains `steps` steps and returns the median step figures after warm-up. */
export async function trainSteps(o: TrainOptions): Promise<StepStats> {
  torch.set_backend(o.backend as torch.BackendName, o.threads ? { threads: o.threads } : {});
  torch.manual_seed(0);
  const model = tutorialCNN();
  // enough samples for several distinct batches; epochs repeat until `steps` are done
  const n = o.batch * Math.min(o.steps, 16);
  const dataset = new data.TensorDataset(torch.rand([n, 1, 28, 28]), torch.randint(0, 10, [n]));
  const loader = new data.DataLoader(dataset, {
    batch_size: o.batch,
    shuffle: true,
    generator: new torch.Generator().manual_seed(0),
  });
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });

  const wall: number[] = [];
  const cpu: number[] = [];
  let sinceSample = 0;
  let step = 0;
  let t = performance.now();
  let c = process.cpuUsage();
  training: for (;;) {
    for await (const [x, y] of loader) {
      optimizer.zero_grad();
      const loss = F.cross_entropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      const value = loss.item();
      if (!Number.isFinite(value)) throw new Error(`loss became ${value} at step ${step}`);
      const now = performance.now();
      const used = process.cpuUsage(c);
      c = process.cpuUsage();
      if (step >= o.warmup) {
        wall.push(now - t);
        cpu.push((used.user + used.system) / 1000);
      }
      sinceSample += now - t;
      t = now;
      step++;
      if (o.onSample && o.every && (step % o.every === 0 || step === 1)) {
        const stats = torch.memory_stats(o.backend as torch.BackendName);
        o.onSample({
          step,
          rss_mb: mb(process.memoryUsage.rss()),
          heap_mb: mb(process.memoryUsage().heapUsed),
          wasm_in_use_mb: stats ? mb(stats.bytesInUse) : null,
          wasm_memory_mb: stats ? mb(stats.memoryBytes) : null,
          gc_requests: stats ? stats.gcRequests : null,
          step_ms: +(sinceSample / (step === 1 ? 1 : o.every)).toFixed(2),
          load: +loadavg()[0]!.toFixed(2),
        });
        sinceSample = 0;
      }
      if (step >= o.steps) break training;
    }
  }
  const stepMs = median(wall);
  const threads =
    (torch.ones([1]).storage.backend as unknown as { kernels?: { threads: number } }).kernels?.threads ?? 1;
  return {
    batch: o.batch,
    threads,
    steps: wall.length,
    step_ms: +stepMs.toFixed(2),
    cpu_ms: +median(cpu).toFixed(2),
    samples_per_sec: Math.round((o.batch / stepMs) * 1000),
    peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  };
}
