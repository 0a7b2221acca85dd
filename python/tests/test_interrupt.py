"""Ctrl-C interrupts a long call: a child process starts an explanation that would take over ten
seconds, gets SIGINT one second in, and must raise KeyboardInterrupt within a second or two, not
when the C++ work is done."""

import os
import signal
import subprocess
import sys
import time

CHILD = r"""
import sys, time, torch, lfa
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(23, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
x = torch.rand(100, 23)
model = lfa.as_model(model)                                  # scripted once
lfa.explain(model, x, explainer="kernelshap", samples=100)  # warm-up
start = time.perf_counter()
lfa.explain(model, x, explainer="kernelshap", samples=400, batch_size=2000)
per_sample = (time.perf_counter() - start) / 400
samples = int(20.0 / per_sample)          # about 20 s of work
print(f"ready {samples}", flush=True)
start = time.perf_counter()
try:
    lfa.explain(model, x, explainer="kernelshap", samples=samples, batch_size=2000)
except KeyboardInterrupt:
    print(f"interrupted {time.perf_counter() - start:.3f}", flush=True)
    sys.exit(3)
print(f"finished {time.perf_counter() - start:.3f}", flush=True)
"""


def test_ctrl_c_interrupts_a_long_explanation():
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ))
    ready = child.stdout.readline()
    assert ready.startswith("ready"), ready
    time.sleep(1.0)
    signalled = time.perf_counter()
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=60)
    waited = time.perf_counter() - signalled
    assert child.returncode == 3, out
    assert out.startswith("interrupted"), out
    assert waited < 3.0, f"the call went on for {waited:.1f} s after Ctrl-C"
