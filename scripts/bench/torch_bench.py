"""PyTorch CPU reference for `npm run bench`.

A small JSON-lines server on stdin/stdout, so that the benchmark can interleave its
timed rounds with the tfjs implementations in the same run:

  -> {"cmd": "setup", "workload": {...}, "module": "LSTM", "batch": {...}}   <- {"ok": true, "parameters": N}
  -> {"cmd": "run", "seconds": 1.5, "minSteps": 2}                        <- {"steps": N, "seconds": S, "loss": L}
  -> {"cmd": "peak", "size": 1024, "seconds": 1.0}                        <- {"steps": N, "seconds": S}
  -> {"cmd": "quit"}

The first line it prints describes the interpreter, or says why PyTorch cannot be used:
{"ready": true, "torch": "...", "blas": {...}, "threads": N} or {"ready": false, "reason": "..."}.
Usage: torch_bench.py THREADS
"""
import json
import os
import re
import sys
import time


def reply(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def loaded_blas_libraries():
    """Shared libraries of this process whose name says BLAS, resolved through symlinks
    (Debian's libblas.so.3 is an alternative pointing at OpenBLAS or the reference BLAS)."""
    found = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = os.path.basename(path)
                if path.startswith("/") and re.search(r"blas|lapack|mkl|blis", name, re.I):
                    found.add(f"{path} -> {os.path.realpath(path)}" if os.path.realpath(path) != path else path)
    except OSError:
        pass
    return sorted(found)


def blas_library(loaded):
    """Which BLAS does the work, from the loaded files. Debian's python3-torch is built
    against the generic libblas.so.3, which is the slow reference BLAS (libblas3) unless
    libopenblas0-pthread (or another provider) is installed."""
    names = " ".join(loaded).lower()
    if "openblas" in names:
        return "OpenBLAS (pthread)" if "pthread" in names else "OpenBLAS"
    if "mkl" in names:
        return "MKL"
    if "blis" in names:
        return "BLIS"
    if "/blas/libblas" in names:
        return "reference BLAS (libblas3)"
    return "unknown"


def blas_info(torch):
    config = torch.__config__.show()
    fields = dict(re.findall(r"(BLAS_INFO|LAPACK_INFO)=([^,\s]+)", config))
    loaded = loaded_blas_libraries()
    return {
        "library": blas_library(loaded),
        "configBlas": fields.get("BLAS_INFO", "unknown"),
        "configLapack": fields.get("LAPACK_INFO", "unknown"),
        "loaded": loaded,
    }


class Trainer:
    def __init__(self, torch, workload, module, batch):
        nn = torch.nn
        torch.manual_seed(1)
        b, t, i = workload["batchSize"], workload["seqLength"], workload["inputSize"]
        self.tokens = workload["task"] == "tokens"
        # The torch.nn module of the cell, named by its CellDescription; a variant workload's bidirectional layer.
        recurrent = getattr(nn, module)
        self.bidirectional = bool((workload.get("variant") or {}).get("bidirectional"))
        self.rnn = recurrent(i, workload["hiddenSize"], batch_first=True, bidirectional=self.bidirectional)
        self.head = nn.Linear(workload["hiddenSize"] * (2 if self.bidirectional else 1), workload["outputSize"])
        # Packed random lengths: pack_padded_sequence in every step, as a user's training loop does.
        self.lengths = torch.tensor(batch["lengths"], dtype=torch.long) if "lengths" in batch else None
        self.pack, self.cat = torch.nn.utils.rnn.pack_padded_sequence, torch.cat
        parameters = list(self.rnn.parameters()) + list(self.head.parameters())
        self.parameter_count = sum(p.numel() for p in parameters)
        self.optimizer = torch.optim.Adam(parameters, lr=workload["learningRate"])
        if self.tokens:
            ids = torch.tensor(batch["inputs"], dtype=torch.long).reshape(b, t)
            self.x = nn.functional.one_hot(ids, i).float()
            self.y = torch.tensor(batch["labels"], dtype=torch.long).reshape(b * t)
            self.loss_fn = nn.CrossEntropyLoss()
        else:
            self.x = torch.tensor(batch["inputs"], dtype=torch.float32).reshape(b, t, i)
            self.y = torch.tensor(batch["targets"], dtype=torch.float32).reshape(b, workload["outputSize"])
            self.loss_fn = nn.MSELoss()
        self.loss = float("nan")

    def step(self):
        self.optimizer.zero_grad(set_to_none=True)
        x = self.x if self.lengths is None else self.pack(self.x, self.lengths, batch_first=True, enforce_sorted=False)
        sequence, state = self.rnn(x)
        if self.tokens:
            logits = self.head(sequence)
            loss = self.loss_fn(logits.reshape(-1, logits.shape[-1]), self.y)
        else:
            # The last layer's h_n: h at each sample's last real step, and [h_fwd, h_rev] for a bidirectional layer.
            h_n = state[0] if isinstance(state, tuple) else state
            features = self.cat([h_n[-2], h_n[-1]], -1) if self.bidirectional else h_n[-1]
            loss = self.loss_fn(self.head(features), self.y)
        loss.backward()
        self.optimizer.step()
        self.loss = loss.item()

    def run(self, seconds, min_steps):
        start = time.perf_counter()
        steps = 0
        elapsed = 0.0
        while steps < min_steps or elapsed < seconds:
            self.step()
            steps += 1
            elapsed = time.perf_counter() - start
        return {"steps": steps, "seconds": elapsed, "loss": self.loss}


def mm_peak(torch, size, seconds):
    """N products torch.mm(a, b) of random size×size float32 matrices in S seconds (at least one), after an
    untimed one that starts the thread pool: 2·size³·N/S FLOP/s."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    out = torch.empty(size, size)
    torch.mm(a, b, out=out)
    start = time.perf_counter()
    steps = 0
    elapsed = 0.0
    while steps < 1 or elapsed < seconds:
        torch.mm(a, b, out=out)
        steps += 1
        elapsed = time.perf_counter() - start
    return {"steps": steps, "seconds": elapsed}


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    try:
        import torch
    except Exception as error:  # ImportError, or a broken install failing on load
        reply({"ready": False, "reason": f"import torch failed: {error}"})
        return
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    reply({
        "ready": True,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "blas": blas_info(torch),
    })
    trainer = None
    for line in sys.stdin:
        request = json.loads(line)
        if request["cmd"] == "setup":
            trainer = Trainer(torch, request["workload"], request["module"], request["batch"])
            reply({"ok": True, "parameters": trainer.parameter_count})
        elif request["cmd"] == "run":
            reply(trainer.run(request["seconds"], request["minSteps"]))
        elif request["cmd"] == "peak":
            reply(mm_peak(torch, request["size"], request["seconds"]))
        elif request["cmd"] == "quit":
            return


if __name__ == "__main__":
    main()
