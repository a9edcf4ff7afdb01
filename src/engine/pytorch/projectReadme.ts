/** The README.md of an exported PyTorch project: what is in it, how to run it (CPU, CUDA, torchrun, a sweep) and how to bring runs back. */
import type { ProjectSpec } from './projectSpec';

export function projectReadme(project: ProjectSpec): string {
  const { spec, dataset } = project;
  const sweepLines = sweepCommands(project.sweep);
  return `# ${spec.name}: PyTorch project exported by RNN Lab

${spec.description ? `${spec.description}\n\n` : ''}A ${spec.model.layers}-layer ${modelOptions(spec.model)}${spec.model.cell.toUpperCase()} (${spec.model.hiddenSize} units)
with a linear head on ${dataset.description}.${project.spec.data.type === 'labeled-text' && project.spec.data.padding !== 'left' ? ' The texts are packed by their lengths (`pack_padded_sequence`, `enforce_sorted=False`): padding never enters the recurrence.' : ''}
\`train.py\` is plain PyTorch: an \`nn.Module\` on \`nn.${{ rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' }[spec.model.cell]}\` and \`nn.Linear\`,
PyTorch's own loss, optimizer and \`clip_grad_norm_\`. It needs only \`torch\` (1.13 or later) and the Python standard library.

| File | What |
| --- | --- |
| \`train.py\` | The model and the training loop. \`python3 train.py --help\` lists its options. |
| \`spec.json\` | The resolved experiment (\`spec\`), and the dataset's task, vocabulary, classes and normalisation (\`dataset\`). |
| \`data.safetensors\` | The exact train and validation tensors RNN Lab's loaders made (${dataset.trainCount} / ${dataset.validationCount} sequences). |
| \`init.safetensors\` | The exact initial weights RNN Lab's kernels start from (${project.initialization}). |

The batch order is RNN Lab's: \`train.py\` reproduces its seeded generator, so with the same spec the step losses match
an RNN Lab run (dropout aside: PyTorch draws its own masks).

## Run it

\`\`\`sh
python3 train.py                       # the first GPU when there is one, else the CPU
python3 train.py --device cpu --epochs 5
python3 train.py --device cuda:1 --deterministic
python3 train.py --json                # one JSON event per line, as \`rnn-lab train --json\`
\`\`\`

Under torchrun each process takes an equal share of every batch (DistributedDataParallel; gloo on the CPU, NCCL on GPUs):

\`\`\`sh
torchrun --standalone --nproc_per_node 4 train.py
# several machines: run on each, with its --node_rank
torchrun --nnodes 2 --nproc_per_node 8 --node_rank 0 --rdzv_backend c10d --rdzv_endpoint HOST:29500 train.py
\`\`\`

(Debian's PyTorch 1.13 on Python 3.11 needs \`python3 -m torch.distributed.run --redirects 1 --tee 1 …\`.)

\`--set key=value\` overrides a setting by its dot path (\`training.learningRate=0.01\`, \`model.hiddenSize=128\`), so a
sweep tool or a shell loop can drive it; a new size starts from PyTorch's default initialisation, and the run's summary
says so. The data is fixed in \`data.safetensors\`: to change \`data.*\`, export again from RNN Lab.
${sweepLines ? `\nThe spec's sweep, one run per point:\n\n\`\`\`sh\n${sweepLines}\n\`\`\`\n` : ''}
## Bring the runs back

Every run is a folder \`runs/${project.experiment}/<run id>/\` in RNN Lab's layout (spec, metrics, probes, summary, weights, and
DVCLive's \`dvclive/\` files). Copy it into \`.rnn/runs/${project.experiment}/\` beside \`${project.specPath}\`, or train straight
into it with \`--runs path/to/.rnn/runs\`: RNN Lab's runs view, panel and \`rnn-lab runs\` list it, marked with its engine and device.
`;
}

/** One `python3 train.py --set …` line per point of the sweep grid (last key fastest), or '' without a sweep. */
function sweepCommands(sweep: Record<string, unknown[]> | undefined): string {
  if (!sweep || Object.keys(sweep).length === 0) return '';
  let grid: string[][] = [[]];
  for (const [key, values] of Object.entries(sweep)) {
    grid = grid.flatMap((sets) => values.map((value) => [...sets, `--set ${key}=${shellWord(typeof value === 'string' ? value : JSON.stringify(value))}`]));
  }
  return grid.map((sets) => `python3 train.py ${sets.join(' ')}`).join('\n');
}

function shellWord(text: string): string {
  return /^[\w.:+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** "bidirectional, projected (projSize 32), bias-free " — the model's options beyond the plain layer, or nothing. */
function modelOptions(model: ProjectSpec['spec']['model']): string {
  const options = [
    model.bidirectional ? 'bidirectional' : '',
    model.projSize > 0 ? `projected (projSize ${model.projSize})` : '',
    model.bias ? '' : 'bias-free',
  ];
  const named = options.filter((option) => option !== '');
  return named.length > 0 ? `${named.join(', ')} ` : '';
}
