#!/usr/bin/env python3
"""Trains an RNN Lab experiment with PyTorch: the project that `rnn-lab export-pytorch` writes.

The folder beside this file holds everything it needs:
  spec.json          the resolved experiment, the dataset's vocabulary/classes and normalisation
  data.safetensors   the exact train and validation tensors that RNN Lab's loaders made
  init.safetensors   the exact initial weights that RNN Lab's kernels start from

The model is an nn.RNN / nn.LSTM / nn.GRU (batch_first; bidirectional, proj_size and bias as the spec says)
with an nn.Linear head, trained with PyTorch's own loss, optimizer and clip_grad_norm_ in a plain loop.
Packed texts come with their lengths and go through pack_padded_sequence(..., enforce_sorted=False). The batches come in RNN Lab's order (its
seeded generator is reproduced below), so the step losses match an RNN Lab run of the same spec.

  python3 train.py                              # CPU, or the first GPU when there is one
  python3 train.py --device cuda --epochs 50
  torchrun --nproc_per_node 4 train.py          # DistributedDataParallel, one process per GPU (gloo on CPU)
  python3 train.py --set training.learningRate=0.003 --set model.hiddenSize=128

Each run is written in RNN Lab's run layout under --runs (default: runs/ here), so RNN Lab lists it.
Needs only torch (1.13 or later) and the Python standard library.
"""
import argparse
import copy
import datetime
import difflib
import hashlib
import json
import math
import os
import secrets
import signal
import socket
import struct
import sys
import time

PROJECT_DIR = os.path.dirname(os.path.abspath(__file__))
# Exit codes: 1 a failed run or bad input, 2 a usage error, 3 PyTorch missing, 130 stopped by a signal.
EXIT_FAILED, EXIT_USAGE, EXIT_NO_TORCH, EXIT_INTERRUPTED = 1, 2, 3, 130


def fail(message, code=EXIT_FAILED):
    sys.stderr.write(f"train.py: {message}\n")
    sys.exit(code)


try:
    import torch
    from torch import nn
except ImportError:
    fail(f"PyTorch not found for {sys.executable}: install torch (see https://pytorch.org)", EXIT_NO_TORCH)

try:  # The safetensors package when it is installed; a few lines of struct and json otherwise.
    import safetensors.torch as safetensors_torch
except ImportError:
    safetensors_torch = None


# ---------------------------------------------------------------------------------------------
# safetensors: 8 bytes of little-endian header length, a JSON header, then the raw tensors.

class DamagedFile(Exception):
    pass


SAFETENSORS_DTYPES = {"F32": (torch.float32, "f"), "I32": (torch.int32, "i")}


def read_safetensors(path):
    name = os.path.basename(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise DamagedFile(f"cannot read {name}: {error.strerror}")
    if len(data) < 8:
        raise DamagedFile(f"{name} is damaged: it is shorter than its 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise DamagedFile(f"{name} is damaged: its header says {length} bytes, the file has {len(data) - 8}")
    try:
        header = json.loads(data[8:8 + length])
    except ValueError:
        raise DamagedFile(f"{name} is damaged: its header is not JSON")
    header.pop("__metadata__", None)
    body = data[8 + length:]
    tensors = {}
    for key, entry in header.items():
        try:
            dtype, code = SAFETENSORS_DTYPES[entry["dtype"]]
            start, end = entry["data_offsets"]
            count = math.prod(entry["shape"])
        except (KeyError, TypeError, ValueError):
            raise DamagedFile(f"{name} is damaged: the entry of {key!r} is not a float32/int32 tensor description")
        if end - start != 4 * count or not 0 <= start <= end <= len(body):
            raise DamagedFile(f"{name} is damaged: {key!r} needs {4 * count} bytes at {start}..{end}, the file has {len(body)}")
        values = struct.unpack(f"<{count}{code}", body[start:end])
        tensors[key] = torch.tensor(values, dtype=dtype).reshape(entry["shape"])
    return tensors


def write_safetensors(path, tensors, metadata=None):
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    if safetensors_torch is not None:
        return atomic_write(path, lambda temp: safetensors_torch.save_file(tensors, temp, metadata))
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for key in sorted(tensors):
        tensor = tensors[key]
        dtype, code = ("F32", "f") if tensor.dtype == torch.float32 else ("I32", "i")
        chunk = struct.pack(f"<{tensor.numel()}{code}", *tensor.reshape(-1).tolist())
        header[key] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(chunk)]}
        chunks.append(chunk)
        offset += len(chunk)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)

    def write(temp):
        with open(temp, "wb") as f:
            f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))
    atomic_write(path, write)


def atomic_write(path, write):
    """Writes through `write(temp)` and renames the temp file over `path`: a kill leaves the old or the new file."""
    temp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        write(temp)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def write_text_atomically(path, text):
    def write(temp):
        with open(temp, "w", encoding="utf-8") as f:
            f.write(text)
    atomic_write(path, write)


# ---------------------------------------------------------------------------------------------
# RNN Lab's seeded generator (mulberry32), so the batches come in the same order.

class Random:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = t = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & 0xFFFFFFFF
        return (t ^ (t >> 14)) / 4294967296

    def int(self, n):
        return math.floor(self.next() * n)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items

    def fork(self, salt):
        return Random(self.state ^ (((salt + 1) * 0x9E3779B1) & 0xFFFFFFFF))


def shuffler(seed):
    """The generator of RNN Lab's per-epoch batch order."""
    return Random(seed).fork(3)


# ---------------------------------------------------------------------------------------------
# The spec: spec.json with the --set overrides applied.

ENUMS = {
    "model.cell": ["rnn", "lstm", "gru"],
    "model.nonlinearity": ["tanh", "relu"],
    "training.optimizer": ["adam", "adamw", "sgd", "rmsprop"],
    "training.earlyStopping.metric": ["val_loss", "val_accuracy"],
}
# Sizes that change the shapes of the initial weights.
SHAPE_KEYS = ("model.cell", "model.hiddenSize", "model.layers", "model.bidirectional", "model.projSize", "model.bias")


def flatten(value, prefix=""):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: value}


def parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def apply_overrides(spec, assignments):
    """Applies `key=value` overrides to the spec's dot paths; returns the keys changed."""
    spec = copy.deepcopy(spec)
    known = flatten({k: v for k, v in spec.items() if k in ("model", "training", "probe")})
    known.update({"training.earlyStopping.patience": 5, "training.earlyStopping.metric": "val_loss"})
    changed = []
    for assignment in assignments:
        key, sep, text = assignment.partition("=")
        if not sep:
            raise ValueError(f"--set needs key=value, got {assignment!r}")
        if key.startswith("data.") or key == "data":
            raise ValueError(f"{key} is fixed in data.safetensors: export the spec again with RNN Lab to change the data")
        if key not in known and key != "training.earlyStopping":
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise ValueError(f"unknown key {key!r}.{hint}")
        value = parse_value(text)
        old = known.get(key)
        if key in ENUMS and value not in ENUMS[key]:
            raise ValueError(f"{key} must be one of {', '.join(ENUMS[key])}, not {text!r}")
        if isinstance(old, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false, not {text!r}")
        elif isinstance(old, (int, float)) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"{key} must be a number, not {text!r}")
        if isinstance(old, int) and not isinstance(old, bool) and isinstance(value, float) and key not in FLOAT_KEYS:
            raise ValueError(f"{key} must be a whole number, not {text!r}")
        target = spec
        parts = key.split(".")
        for part in parts[:-1]:
            if target.get(part) is None:
                target[part] = {"patience": 5, "metric": "val_loss"} if part == "earlyStopping" else {}
            target = target[part]
        target[parts[-1]] = value
        changed.append(key)
    return spec, changed


# Numbers that may be written as whole numbers in spec.json but are not integers.
FLOAT_KEYS = {"training.learningRate", "training.momentum", "training.weightDecay", "training.clipNorm", "model.dropout", "probe.temperature"}


def js_number(value):
    """A number as JavaScript's JSON.stringify writes it, for RNN Lab's spec checksum."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e21):
        return str(int(value))
    digits, _, exponent = repr(value).lower().partition("e")
    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("-")
    whole, _, fraction = digits.partition(".")
    mantissa = (whole + fraction).lstrip("0") or "0"
    point = len(whole.lstrip("0")) if whole.strip("0") else -(len(fraction) - len(fraction.lstrip("0")))
    point += int(exponent or 0)
    mantissa = mantissa.rstrip("0")
    if -6 < point <= 21:  # plain notation
        if point <= 0:
            return f"{sign}0.{'0' * -point}{mantissa}"
        if point >= len(mantissa):
            return f"{sign}{mantissa}{'0' * (point - len(mantissa))}"
        return f"{sign}{mantissa[:point]}.{mantissa[point:]}"
    rest = f".{mantissa[1:]}" if len(mantissa) > 1 else ""
    power = point - 1
    return f"{sign}{mantissa[0]}{rest}e{'+' if power > 0 else '-'}{abs(power)}"


def canonical_json(value):
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{canonical_json(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return js_number(value)


def spec_checksum(spec):
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# The model: a recurrent stack and a linear head, as RNN Lab's engines compute it.

class RecurrentModel(nn.Module):
    def __init__(self, model_spec, dataset):
        super().__init__()
        self.tokens = dataset["input"]["kind"] == "tokens"
        self.input_size = dataset["input"]["vocabularySize"] if self.tokens else dataset["input"]["size"]
        self.every_step = dataset["task"] == "tokens"
        layers, hidden, cell = model_spec["layers"], model_spec["hiddenSize"], model_spec["cell"]
        self.bidirectional = bool(model_spec.get("bidirectional", False))
        proj_size = model_spec.get("projSize", 0) if cell == "lstm" else 0
        options = dict(num_layers=layers, batch_first=True, dropout=model_spec["dropout"] if layers > 1 else 0.0,
                       bias=model_spec.get("bias", True), bidirectional=self.bidirectional)
        if cell == "rnn":
            self.rnn = nn.RNN(self.input_size, hidden, nonlinearity=model_spec["nonlinearity"], **options)
        elif cell == "lstm":
            self.rnn = nn.LSTM(self.input_size, hidden, proj_size=proj_size, **options)
        else:
            self.rnn = nn.GRU(self.input_size, hidden, **options)
        # Each layer's output is [forward, reverse]; h is projSize wide when the LSTM projects.
        self.output_width = (proj_size or hidden) * (2 if self.bidirectional else 1)
        self.head = nn.Linear(self.output_width, dataset["outputSize"])

    def encode(self, inputs):
        return nn.functional.one_hot(inputs.long(), self.input_size).float() if self.tokens else inputs

    def forward(self, inputs, lengths=None):
        """`lengths`: each sample's real steps (inputs first, padding after), packed as pack_padded_sequence does."""
        self.rnn.flatten_parameters()  # one contiguous weight chunk for cuDNN, also after DDP's broadcast
        x = self.encode(inputs)
        if lengths is None:
            outputs, state = self.rnn(x)
        else:
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu().long(), batch_first=True, enforce_sorted=False)
            outputs, state = self.rnn(packed)
            outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, total_length=x.shape[1])
        if self.every_step:
            return self.head(outputs)
        # The last layer's h_n: h_fwd at each sample's last real step, and h_rev at step 0.
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(torch.cat([h_n[-2], h_n[-1]], -1) if self.bidirectional else h_n[-1])


def to_rnn_lab_names(state):
    """PyTorch's module names (`rnn.weight_ih_l0`) to RNN Lab's (`weight_ih_l0`, `head.weight`)."""
    return {k[len("rnn."):] if k.startswith("rnn.") else k: v for k, v in state.items()}


def load_initial_weights(model, init, reasons):
    """init.safetensors, unless a --set changed the shapes: then PyTorch's default initialisation."""
    expected = to_rnn_lab_names(model.state_dict())
    mismatched = [k for k, v in expected.items() if k not in init or tuple(init[k].shape) != tuple(v.shape)]
    if mismatched or reasons:
        return False
    model.load_state_dict({(k if k.startswith("head.") else f"rnn.{k}"): init[k] for k in expected}, strict=True)
    return True


# ---------------------------------------------------------------------------------------------
# Losses, evaluation and probes.

MAX_PREDICTIONS = 500
EVALUATION_BATCH = 256


def loss_function(task):
    return nn.MSELoss() if task == "forecast" else nn.CrossEntropyLoss()


def compute_loss(criterion, task, outputs, targets):
    if task == "tokens":
        return criterion(outputs.reshape(-1, outputs.shape[-1]), targets.reshape(-1).long())
    return criterion(outputs, targets if task == "forecast" else targets.long())


@torch.no_grad()
def evaluate(model, criterion, task, inputs, targets, lengths, device):
    model.eval()
    loss_sum, correct, counted, outputs = 0.0, 0, 0, []
    for start in range(0, inputs.shape[0], EVALUATION_BATCH):
        x = inputs[start:start + EVALUATION_BATCH].to(device)
        y = targets[start:start + EVALUATION_BATCH].to(device)
        out = model(x, None if lengths is None else lengths[start:start + EVALUATION_BATCH])
        loss_sum += compute_loss(criterion, task, out, y).item() * x.shape[0]
        if task != "forecast":
            correct += int((out.argmax(-1) == y.long()).sum().item())
            counted += y.numel()
        if task == "classify" or (task == "forecast" and len(outputs) < MAX_PREDICTIONS):
            outputs.extend(out.cpu().tolist())
    model.train()
    count = inputs.shape[0]
    return {"loss": loss_sum / count, "accuracy": correct / counted if counted else None, "outputs": outputs}


def unrolled(module, inputs, lengths=None):
    """The stack step by step with the module's own weights (no dropout), per layer and direction (l0, l0_reverse, l1, ...).

    Each direction's record keeps every h_t, c_t and gate in input time order, zero at padded steps, and `steps`: the
    cell's h_t before masking, whose gradients are the probe's norms. Padded steps never enter the recurrence: the
    forward state carries over them, the reverse one starts at each sample's last real step.
    """
    rnn, cell = module.rnn, module.rnn.mode.lower()
    cell = {"rnn_tanh": "rnn", "rnn_relu": "rnn"}.get(cell, cell)
    x = module.encode(inputs)
    batch, steps = x.shape[0], x.shape[1]
    real = torch.ones(batch, steps, 1, device=x.device) if lengths is None else \
        (torch.arange(steps, device=x.device)[None, :] < lengths.to(x.device)[:, None]).float()[:, :, None]
    width = rnn.proj_size if getattr(rnn, "proj_size", 0) > 0 else rnn.hidden_size
    records, finals = [], []
    for k in range(rnn.num_layers):
        layer_records, finals = [], []
        for reverse in ([False, True] if rnn.bidirectional else [False]):
            suffix = f"l{k}{'_reverse' if reverse else ''}"
            w_ih, w_hh = getattr(rnn, f"weight_ih_{suffix}"), getattr(rnn, f"weight_hh_{suffix}")
            b_ih, b_hh = getattr(rnn, f"bias_ih_{suffix}", None), getattr(rnn, f"bias_hh_{suffix}", None)
            w_hr = getattr(rnn, f"weight_hr_{suffix}", None)
            h, c = x.new_zeros(batch, width), x.new_zeros(batch, rnn.hidden_size)
            input_gates = x @ w_ih.T + (b_ih if b_ih is not None else 0)
            record = {"h": [None] * steps, "steps": [None] * steps}
            for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
                gi, gh = input_gates[:, t], h @ w_hh.T + (b_hh if b_hh is not None else 0)
                if cell == "rnn":
                    new = torch.relu(gi + gh) if rnn.nonlinearity == "relu" else torch.tanh(gi + gh)
                    quantities = {}
                elif cell == "lstm":
                    i, f, g, o = (gi + gh).chunk(4, 1)
                    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                    new_c = f * c + i * g
                    new = o * torch.tanh(new_c)
                    if w_hr is not None:
                        new = new @ w_hr.T
                    m = real[:, t]
                    c = m * new_c + (1 - m) * c
                    quantities = {"c": c, "i": i, "f": f, "g": g, "o": o}
                else:
                    ir, iz, in_ = gi.chunk(3, 1)
                    hr, hz, hn = gh.chunk(3, 1)
                    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
                    n = torch.tanh(in_ + r * hn)
                    new = (1 - z) * n + z * h
                    quantities = {"r": r, "z": z, "n": n}
                m = real[:, t]
                h = m * new + (1 - m) * h
                record["steps"][t] = new
                for name, value in {"h": h, **quantities}.items():
                    record.setdefault(name, [None] * steps)[t] = m * value
            layer_records.append(record)
            finals.append(h)
        records.extend(layer_records)
        x = torch.cat([torch.stack(record["h"], 1) for record in layer_records], -1)
    return records, module.head(x if module.every_step else torch.cat(finals, -1))


def argmax(values):
    return max(range(len(values)), key=lambda i: (values[i], -i))


def build_probe(epoch, spec, dataset, module, criterion, data, validation, device):
    count = min(spec["probe"]["samples"], data["validation.inputs"].shape[0])
    task, steps = dataset["task"], dataset["seqLength"]
    inputs = data["validation.inputs"][:count].to(device)
    targets = data[f"validation.{target_name(task)}"][:count].to(device)
    lengths = data["validation.lengths"][:count] if "validation.lengths" in data else None
    with torch.enable_grad():
        layers, outputs = unrolled(module, inputs, lengths)
        loss = compute_loss(criterion, task, outputs, targets)
        hidden = [h for record in layers for h in record.pop("steps")]
        grads = torch.autograd.grad(loss, hidden, allow_unused=True)
    # Padded steps are masked out of the recurrence and the outputs: their gradients are 0.
    norms = [[0.0 if g is None else g.norm().item() for g in grads[k * steps:(k + 1) * steps]] for k in range(len(layers))]
    directions = ["forward", "reverse"] if module.bidirectional else [None]
    vocabulary = dataset.get("vocabulary")
    probe_inputs = inputs.cpu().tolist()
    if dataset["input"]["kind"] == "tokens":
        probe_inputs = [[vocabulary[i] if vocabulary and i < len(vocabulary) else str(i) for i in row] for row in probe_inputs]
    event = {
        "type": "probe",
        "epoch": epoch,
        "samples": list(range(count)),
        "inputs": probe_inputs,
        "layers": [
            {"layer": k // len(directions), **({"direction": directions[k % 2]} if module.bidirectional else {}),
             "quantities": {q: torch.stack(v).permute(1, 2, 0).tolist() for q, v in record.items()}}
            for k, record in enumerate(layers)
        ],
        "gradientNorms": norms,
        "predictions": prediction_probe(dataset, data, validation, outputs.detach(), targets, count),
    }
    if lengths is not None:
        event["lengths"] = lengths.tolist()
    if is_language_model(spec) and vocabulary and count > 0:
        event["generated"] = generate(module, inputs[0].tolist(), spec, vocabulary, spec["training"]["seed"] + epoch, device)
    return event


def prediction_probe(dataset, data, validation, probe_outputs, probe_targets, count):
    shown = min(len(validation["outputs"]), MAX_PREDICTIONS)
    task = dataset["task"]
    if task == "forecast":
        return {"kind": "forecast", "targets": data["validation.targets"][:shown].tolist(), "predictions": validation["outputs"][:shown]}
    if task == "classify":
        classes = dataset.get("classes") or [str(i) for i in range(dataset["outputSize"])]
        labels = data["validation.labels"].tolist()
        predicted = [argmax(row) for row in validation["outputs"]]
        confusion = [[0] * len(classes) for _ in classes]
        for label, guess in zip(labels, predicted):
            confusion[label][guess] += 1
        correct = sum(1 for label, guess in zip(labels, predicted) if label == guess)
        return {"kind": "classify", "classes": classes, "labels": labels[:shown], "predicted": predicted[:shown],
                "confusion": confusion, "accuracy": correct / len(labels) if labels else 0}
    vocabulary = dataset.get("vocabulary") or [str(i) for i in range(dataset["outputSize"])]
    return {"kind": "tokens", "vocabulary": vocabulary, "labels": probe_targets.cpu().tolist(),
            "predicted": probe_outputs.argmax(-1).cpu().tolist()}


def is_language_model(spec):
    data = spec["data"]
    return data["type"] == "text" or (data["type"] == "builtin" and data.get("name") == "moby-dick")


@torch.no_grad()
def generate(module, prime, spec, vocabulary, seed, device):
    """Samples characters from softmax(logits / temperature) after feeding the prime, with RNN Lab's generator."""
    random, temperature = Random(seed), spec["probe"]["temperature"]
    state, logits, text = None, None, ""
    activations = [[] for _ in range(module.output_width)]

    def feed(token):
        nonlocal state
        out, state = module.rnn(module.encode(torch.tensor([[token]], device=device)), state)
        return module.head(out[0, -1]).cpu().tolist(), out[0, -1].cpu().tolist()

    for token in prime:
        logits, _ = feed(token)
    for _ in range(spec["probe"]["generateLength"]):
        top = max(logits)
        weights = [math.exp((v - top) / temperature) for v in logits]
        threshold, token = random.next() * sum(weights), len(weights) - 1
        for i, w in enumerate(weights):
            threshold -= w
            if threshold <= 0:
                token = i
                break
        text += vocabulary[token] if token < len(vocabulary) else ""
        logits, hidden = feed(token)
        for unit, value in enumerate(hidden):
            activations[unit].append(value)
    return {"temperature": temperature, "text": text, "activations": activations}


def target_name(task):
    return "targets" if task == "forecast" else "labels"


# ---------------------------------------------------------------------------------------------
# The run folder, in RNN Lab's layout: spec.json, metrics.jsonl, probes.jsonl, summary.json, weights.json.

def finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_or_none(v) for v in value]
    return value


def to_json(value, indent=None):
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(finite_or_none(value), indent=indent, separators=separators, ensure_ascii=False, allow_nan=False)


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ms) % 1000:03d}Z"


def now_ms():
    return int(time.time() * 1000)


class Summary:
    """RNN Lab's summary.json, folded from the events as RNN Lab's SummaryBuilder does."""

    def __init__(self, identity):
        self.identity = identity
        self.fields = {"status": "running", "epochsDone": 0, "steps": 0}
        self.ended = None
        self.rates = []

    def add(self, event):
        f, kind = self.fields, event["type"]
        if kind == "start":
            for key in ("engine", "device", "worldSize", "torchVersion", "initialization", "dataset", "parameterCount", "baseline"):
                if event.get(key) is not None:
                    f[key] = event[key]
            f["epochsPlanned"] = event["epochs"]
        elif kind == "step":
            f["steps"] = max(f["steps"], event["step"])
            if event["stepsPerSecond"] > 0:
                self.rates.append(event["stepsPerSecond"])
        elif kind == "epoch":
            f["epochsDone"] = max(f["epochsDone"], event["epoch"])
            f["lastTrainLoss"] = event["trainLoss"]
            f["lastValidationLoss"] = event["validationLoss"]
            if "bestValidationLoss" not in f or event["validationLoss"] < f["bestValidationLoss"]:
                f["bestValidationLoss"], f["bestEpoch"] = event["validationLoss"], event["epoch"]
            if event.get("validationAccuracy") is not None:
                f["lastValidationAccuracy"] = event["validationAccuracy"]
                f["bestValidationAccuracy"] = max(f.get("bestValidationAccuracy", -1.0), event["validationAccuracy"])
        elif kind == "end":
            f["status"] = event["status"]
            for key in ("reason", "divergedAt"):
                if event.get(key) is not None:
                    f[key] = event[key]
            self.ended = event["time"]

    def summary(self, now):
        i, running = self.identity, self.fields["status"] == "running"
        rates = sorted(self.rates)
        middle = len(rates) // 2
        result = {"id": i["id"], "experiment": i["experiment"], **self.fields,
                  "startedAt": iso(i["startedAt"]), "updatedAt": iso(now),
                  "endedAt": iso(self.ended) if self.ended is not None else None,
                  "durationMs": max(0, (self.ended if self.ended is not None else now) - i["startedAt"]),
                  "stepsPerSecondMedian": (rates[middle] if len(rates) % 2 else (rates[middle - 1] + rates[middle]) / 2) if rates else None,
                  "specChecksum": i["specChecksum"], "sweep": i.get("sweep"),
                  "pid": os.getpid() if running else None, "hostname": socket.gethostname() if running else None}
        return {k: v for k, v in result.items() if v is not None}


class RunWriter:
    SUMMARY_INTERVAL_MS = 2000

    def __init__(self, runs_root, experiment_folder, stored_spec, dvclive_params):
        started = now_ms()
        stamp = datetime.datetime.fromtimestamp(started / 1000, datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
        parent = os.path.join(runs_root, experiment_folder)
        os.makedirs(parent, exist_ok=True)
        while True:
            self.id = f"{stamp}-{secrets.token_hex(2)}"
            self.dir = os.path.join(parent, self.id)
            try:
                os.mkdir(self.dir)
                break
            except FileExistsError:
                continue
        write_text_atomically(os.path.join(self.dir, "spec.json"), to_json(stored_spec, 2) + "\n")
        self.builder = Summary({"id": self.id, "experiment": stored_spec["spec"]["name"], "startedAt": started,
                                "specChecksum": stored_spec["specChecksum"], "sweep": stored_spec.get("sweep")})
        self.metrics = open(os.path.join(self.dir, "metrics.jsonl"), "a", encoding="utf-8")
        self.probes = open(os.path.join(self.dir, "probes.jsonl"), "a", encoding="utf-8")
        self.dvclive = DvcLive(os.path.join(self.dir, "dvclive"), dvclive_params)
        self.last_summary = 0
        self.write_summary()

    def record(self, event):
        target = self.probes if event["type"] == "probe" else self.metrics
        target.write(to_json(event) + "\n")
        target.flush()
        self.builder.add(event)
        self.dvclive.add(event)
        if event["type"] in ("start", "epoch", "end") or now_ms() - self.last_summary >= self.SUMMARY_INTERVAL_MS:
            self.write_summary()

    def save_weights(self, model):
        """weights.json in RNN Lab's state-dict layout, replaced atomically: written every epoch as the checkpoint."""
        params = {k: v.detach().cpu().tolist() for k, v in to_rnn_lab_names(model.state_dict()).items()}
        write_text_atomically(os.path.join(self.dir, "weights.json"), json.dumps({"format": "pytorch-state-dict", "params": params}))

    def write_summary(self):
        summary = self.builder.summary(now_ms())
        write_text_atomically(os.path.join(self.dir, "summary.json"), to_json(summary, 2) + "\n")
        self.last_summary = now_ms()
        return summary

    def close(self):
        self.metrics.close()
        self.probes.close()
        return self.write_summary()


class DvcLive:
    """DVCLive's files (dvclive/metrics.json, dvclive/plots/metrics/*.tsv, dvclive/params.yaml), for DVC and its VS Code extension."""

    def __init__(self, folder, params):
        self.folder = folder
        self.latest = {}
        os.makedirs(os.path.join(folder, "plots", "metrics"), exist_ok=True)
        write_text_atomically(os.path.join(folder, "params.yaml"), yaml(params))

    def add(self, event):
        if event["type"] == "step":
            self.log("step", event["step"], {"loss": event["loss"]})
        elif event["type"] == "epoch":
            values = {"train_loss": event["trainLoss"], "val_loss": event["validationLoss"]}
            if event.get("validationAccuracy") is not None:
                values["val_accuracy"] = event["validationAccuracy"]
            self.log("epoch", event["epoch"], values)

    def log(self, step_name, step, values):
        for name, value in values.items():
            path = os.path.join(self.folder, "plots", "metrics", f"{name}.tsv")
            new = not os.path.exists(path)
            with open(path, "a", encoding="utf-8") as f:
                f.write(("timestamp\tstep\t" + name + "\n" if new else "") + f"{now_ms()}\t{step}\t{value}\n")
            self.latest[name] = value
        self.latest[step_name] = step
        write_text_atomically(os.path.join(self.folder, "metrics.json"), to_json(self.latest, 4) + "\n")


def yaml(value, indent=""):
    lines = []
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{indent}{key}:")
            lines.append(yaml(item, indent + "  ").rstrip("\n"))
        else:
            lines.append(f"{indent}{key}: {json.dumps(item)}")
    return "\n".join(line for line in lines if line) + "\n"


# ---------------------------------------------------------------------------------------------
# Training.

class StepRate:
    def __init__(self, window=20):
        self.window, self.times = window, []

    def tick(self):
        now = time.perf_counter() * 1000
        self.times.append(now)
        if len(self.times) > self.window + 1:
            self.times.pop(0)
        span = now - self.times[0]
        return (len(self.times) - 1) * 1000 / span if span > 0 else 0


class EarlyStopping:
    def __init__(self, settings):
        self.settings, self.best, self.since_best = settings, math.inf, 0

    def should_stop(self, loss, accuracy):
        if not self.settings:
            return False
        value = -(accuracy or 0) if self.settings["metric"] == "val_accuracy" else loss
        if value < self.best:
            self.best, self.since_best = value, 0
            return False
        self.since_best += 1
        return self.since_best >= self.settings["patience"]


def make_optimizer(parameters, training):
    lr, momentum, kind = training["learningRate"], training["momentum"], training["optimizer"]
    # weightDecay null (or absent) is the optimizer's own default: AdamW's 0.01, the others' 0.
    decay = training.get("weightDecay")
    decay = (0.01 if kind == "adamw" else 0.0) if decay is None else decay
    if kind == "adam":
        return torch.optim.Adam(parameters, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=decay)
    if kind == "adamw":
        return torch.optim.AdamW(parameters, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=decay)
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=momentum, weight_decay=decay)
    return torch.optim.RMSprop(parameters, lr=lr, alpha=0.99, eps=1e-8, momentum=momentum, weight_decay=decay)


def make_scheduler(optimizer, training):
    """training.schedule as PyTorch's scheduler, stepped after every epoch (None: a constant rate)."""
    schedule, epochs = training.get("schedule"), training["epochs"]
    if schedule is None:
        return None
    if schedule["type"] == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=schedule["stepSize"], gamma=schedule["gamma"])
    if schedule["type"] == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=schedule["factor"], patience=schedule["patience"],
                                                          threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0)
    warmup, eta_min = schedule.get("warmupEpochs", 0), schedule.get("minLearningRate", 0.0)
    if warmup == 0:
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs, eta_min=eta_min)
    # The warm-up's epochs run at lr/(W+1) … lr·W/(W+1); the cosine then starts at lr.
    linear = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1 / (warmup + 1), end_factor=1.0, total_iters=warmup)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, epochs - warmup), eta_min=eta_min)
    return torch.optim.lr_scheduler.SequentialLR(optimizer, [linear, cosine], milestones=[warmup])


def step_scheduler(scheduler, validation_loss):
    """One scheduler step after an epoch; ReduceLROnPlateau reads the validation loss."""
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        scheduler.step(validation_loss)
    elif scheduler is not None:
        scheduler.step()


def shard(indices, rank, world):
    """This process's equal share of a global batch, and its weight in the global mean (an uneven last batch included)."""
    size, extra = divmod(len(indices), world)
    start = rank * size + min(rank, extra)
    mine = indices[start:start + size + (1 if rank < extra else 0)]
    # A process with no sample still takes part in the gradient all-reduce, with weight 0.
    return (mine, len(mine) / len(indices)) if mine else (indices[:1], 0.0)


def divergence(spec, epoch, step, loss, grad_norm):
    t = spec["training"]
    what = f"the gradient norm became {js_float(grad_norm)}" if math.isfinite(loss) else f"the loss became {js_float(loss)}"
    clip = f"lower training.clipNorm (now {js_number(t['clipNorm'])})" if t["clipNorm"] > 0 else "set training.clipNorm (e.g. 1)"
    return {"status": "failed", "divergedAt": {"epoch": epoch, "step": step},
            "reason": f"Training diverged at epoch {epoch}, step {step}: {what}. "
                      f"Try a lower training.learningRate (now {js_number(t['learningRate'])}) or {clip}."}


def js_float(value):
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity") if math.isinf(value) else js_number(value)


def select_device(name):
    if name == "auto":
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if torch.cuda.is_available() else torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"--device {name}: CUDA is not available to this PyTorch ({torch.__version__}); use --device cpu")
        if name == "cuda":
            return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
    try:
        return torch.device(name)
    except RuntimeError:
        raise ValueError(f"--device must be auto, cpu, cuda or cuda:N, not {name!r}")


def device_name(device):
    return f"{device} ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "cpu"


class Stop:
    requested = False


def train(args):
    project = os.path.abspath(args.project)
    try:
        with open(os.path.join(project, "spec.json"), encoding="utf-8") as f:
            exported = json.load(f)
    except (OSError, ValueError) as error:
        raise DamagedFile(f"cannot read spec.json in {project}: {error}")
    spec, changed = apply_overrides(exported["spec"], args.set)
    if args.epochs is not None:
        spec["training"]["epochs"] = args.epochs
    dataset, training = exported["dataset"], spec["training"]
    data = read_safetensors(os.path.join(project, "data.safetensors"))
    init = read_safetensors(os.path.join(project, "init.safetensors"))
    task = dataset["task"]
    for split in ("train", "validation"):
        for part in ("inputs", target_name(task)):
            if f"{split}.{part}" not in data:
                raise DamagedFile(f"data.safetensors is damaged: it has no {split}.{part}")

    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    device = select_device(args.device)
    if distributed and not torch.distributed.is_initialized():
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    rank = torch.distributed.get_rank() if distributed else 0
    world = torch.distributed.get_world_size() if distributed else 1
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if args.deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":16:8")
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = True, False
        torch.use_deterministic_algorithms(True)

    torch.manual_seed(training["seed"])  # dropout, and PyTorch's initialisation when a size changed
    module = RecurrentModel(spec["model"], dataset)
    resized = [key for key in changed if key in SHAPE_KEYS]
    from_init = load_initial_weights(module, init, resized or (["training.seed"] if "training.seed" in changed else []))
    initialization = "init.safetensors" if from_init else \
        f"PyTorch's default initialisation ({', '.join(resized or ['training.seed'])} changed by --set)"
    module.to(device)
    model = module
    if distributed:
        model = nn.parallel.DistributedDataParallel(module, device_ids=[device.index] if device.type == "cuda" else None)
    criterion = loss_function(task)
    optimizer = make_optimizer(module.parameters(), training)

    stored = {"specPath": exported["specPath"], "specChecksum": exported["specChecksum"] if not changed and args.epochs is None
              else spec_checksum(spec), "spec": spec}
    if exported.get("sweepPoint"):
        stored["sweep"] = exported["sweepPoint"]
    if changed:  # recorded as the run's point, as a sweep's runs are; --epochs is not, as with `rnn-lab train --epochs`
        assignments = {key: get_dotted(spec, key) for key in changed}
        stored["sweep"] = {"label": ", ".join(f"{k}={json.dumps(v)}" for k, v in assignments.items()), "assignments": assignments}
    writer = RunWriter(args.runs or os.path.join(project, "runs"), exported["experiment"], stored,
                       {k: v for k, v in spec.items() if k in ("model", "training", "probe")}) if rank == 0 else None
    emit = Emitter(writer, args.json, rank)
    if writer:
        emit.line({"type": "run", "runDir": writer.dir, "index": 1, "total": 1, **({"sweep": stored["sweep"]} if "sweep" in stored else {})})
    status = run_epochs(spec, dataset, data, module, model, criterion, optimizer, device, rank, world, emit,
                        {"device": device_name(device), "worldSize": world, "torchVersion": torch.__version__,
                         "initialization": initialization}, writer)
    emit({"type": "end", **status, "time": now_ms()})
    if writer:
        summary = writer.close()
        emit.line({"type": "summary", "runDir": writer.dir, "summary": summary})
        if not args.json:
            print(f"Run: {writer.dir}")
    return EXIT_FAILED if status["status"] == "failed" else EXIT_INTERRUPTED if status["status"] == "stopped" and Stop.requested else 0


def get_dotted(value, key):
    for part in key.split("."):
        value = value[part]
    return value


class Emitter:
    """Records every event in the run folder (rank 0) and prints it: JSON lines with --json, else a line per epoch."""

    def __init__(self, writer, as_json, rank):
        self.writer, self.as_json, self.rank = writer, as_json, rank

    def __call__(self, event):
        if self.rank != 0:
            return
        self.writer.record(event)
        if self.as_json:
            self.line(event)
        elif event["type"] == "start":
            print(f"{event['cell'].upper()}, {event['parameterCount']} parameters, on {event['dataset']} "
                  f"(pytorch, {event['device']}, {event['worldSize']} process{'es' if event['worldSize'] > 1 else ''})", flush=True)
        elif event["type"] == "epoch":
            accuracy = f" · val accuracy {event['validationAccuracy']:.1%}" if event.get("validationAccuracy") is not None else ""
            print(f"epoch {event['epoch']} · train {event['trainLoss']:.4g} · val {event['validationLoss']:.4g}{accuracy}", flush=True)
        elif event["type"] in ("log", "end") and (event.get("message") or event.get("reason")):
            print(event.get("message") or f"{event['status']}: {event['reason']}", flush=True)

    def line(self, value):
        if self.rank == 0 and self.as_json:
            sys.stdout.write(to_json(value) + "\n")
            sys.stdout.flush()


def all_ranks(value, world, device, op="sum"):
    if world == 1:
        return value
    tensor = torch.tensor([float(value)], dtype=torch.float64 if device.type == "cpu" else torch.float32, device=device)
    torch.distributed.all_reduce(tensor, torch.distributed.ReduceOp.SUM if op == "sum" else torch.distributed.ReduceOp.MAX)
    return tensor.item()


def run_epochs(spec, dataset, data, module, model, criterion, optimizer, device, rank, world, emit, engine_fields, writer):
    task, training = dataset["task"], spec["training"]
    epochs, batch_size, clip = training["epochs"], training["batchSize"], training["clipNorm"]
    train_inputs, train_targets = data["train.inputs"], data[f"train.{target_name(task)}"]
    train_lengths = data.get("train.lengths")  # packed sequences: each sample's real steps
    count = train_inputs.shape[0]
    order_source = shuffler(training["seed"])
    started = now_ms()
    emit({"type": "start", "engine": "pytorch", **engine_fields, "dataset": dataset["description"], "cell": spec["model"]["cell"],
          "parameterCount": sum(p.numel() for p in module.parameters()), "epochs": epochs,
          "stepsPerEpoch": math.ceil(count / batch_size), "baseline": dataset["baseline"], "time": started})
    if not engine_fields["initialization"].startswith("init."):
        emit({"type": "log", "level": "info", "message": f"Initial weights: {engine_fields['initialization']}."})
    rate, tracker, step = StepRate(), EarlyStopping(training["earlyStopping"]), 0
    scheduler = make_scheduler(optimizer, training)
    parameters = list(module.parameters())
    model.train()
    for epoch in range(1, epochs + 1):
        loss_sum = 0.0
        order = order_source.shuffle(list(range(count)))
        for start in range(0, count, batch_size):
            if all_ranks(1.0 if Stop.requested else 0.0, world, device, "max") > 0:
                if writer:
                    writer.save_weights(module)
                return {"status": "stopped", "reason": f"stopped by the user at epoch {epoch}, step {step}"}
            indices = order[start:start + batch_size]
            mine, weight = shard(indices, rank, world)
            x, y = train_inputs[mine].to(device), train_targets[mine].to(device)
            optimizer.zero_grad()
            loss = compute_loss(criterion, task, model(x, None if train_lengths is None else train_lengths[mine]), y)
            # DDP averages the gradients over the processes: scaled so that the result is the global batch's mean.
            (loss * (weight * world)).backward()
            step += 1
            global_loss = all_ranks(loss.item() * weight, world, device)
            grad_norm = float(nn.utils.clip_grad_norm_(parameters, clip if clip > 0 else math.inf))
            if not (math.isfinite(global_loss) and math.isfinite(grad_norm)):
                return divergence(spec, epoch, step, global_loss, grad_norm)
            optimizer.step()
            loss_sum += global_loss * len(indices)
            emit({"type": "step", "epoch": epoch, "step": step, "loss": global_loss, "gradNorm": grad_norm,
                  "learningRate": optimizer.param_groups[0]["lr"], "stepsPerSecond": rate.tick()})
        validation = evaluate(module, criterion, task, data["validation.inputs"], data[f"validation.{target_name(task)}"],
                              data.get("validation.lengths"), device)
        if not math.isfinite(validation["loss"]):
            return divergence(spec, epoch, step, validation["loss"], 0.0)
        epoch_event = {"type": "epoch", "epoch": epoch, "trainLoss": loss_sum / count, "validationLoss": validation["loss"],
                       "baselineLoss": dataset["baseline"]["loss"], "elapsedMs": now_ms() - started}
        if validation["accuracy"] is not None:
            epoch_event["validationAccuracy"] = validation["accuracy"]
        emit(epoch_event)
        step_scheduler(scheduler, validation["loss"])
        last = epoch == epochs or tracker.should_stop(validation["loss"], validation["accuracy"])
        if rank == 0 and spec["probe"]["samples"] > 0 and (epoch % spec["probe"]["everyEpochs"] == 0 or last):
            emit(build_probe(epoch, spec, dataset, module, criterion, data, validation, device))
        if writer:
            writer.save_weights(module)
        if last and epoch < epochs:
            metric = training["earlyStopping"]["metric"]
            message = f"Early stopping after epoch {epoch}: {metric} did not improve for {training['earlyStopping']['patience']} epochs."
            emit({"type": "log", "level": "info", "message": message})
            return {"status": "completed", "reason": message}
    return {"status": "completed"}


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Train this RNN Lab experiment with PyTorch.")
    parser.add_argument("--device", default="auto", help="auto (the default: CUDA when available), cpu, cuda or cuda:N")
    parser.add_argument("--runs", help="where run folders go (default: runs/ beside train.py); RNN Lab's own .rnn/runs works too")
    parser.add_argument("--epochs", type=int, help="train for N epochs instead of the spec's training.epochs")
    parser.add_argument("--json", action="store_true", help="print one JSON event per line, as `rnn-lab train --json` does")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a setting by its dot path, e.g. training.learningRate=0.01 (repeatable)")
    parser.add_argument("--deterministic", action="store_true", help="deterministic cuDNN and cuBLAS (slower on GPUs)")
    parser.add_argument("--project", default=PROJECT_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be a positive whole number")
    return args


def main(argv=None):
    args = parse_args(argv)

    def request_stop(signum, frame):
        if Stop.requested:
            sys.exit(EXIT_INTERRUPTED)
        Stop.requested = True
        sys.stderr.write("Stopping after the current step (again to quit at once)...\n")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)
    try:
        return train(args)
    except DamagedFile as error:
        fail(str(error))
    except ValueError as error:
        fail(str(error), EXIT_USAGE)


if __name__ == "__main__":
    sys.exit(main())
