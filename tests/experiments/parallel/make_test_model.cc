// Writes the TorchScript model the MPI tests explain (mpi_explain_test.sh), so they need no data
// set: f(x) = sum_j sin(3 x_j) + x_0 x_1, one output, any number of features >= 2 (the demo's
// analytic model). It raises for any input beyond |x| > 100, which lets a test make one rank fail:
// only the rank whose block holds such a row sees the error.
//
//   lfa_test_model model.pt
#include <cstdio>
#include <exception>

#include <torch/script.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.pt\n", argv[0]);
    return 2;
  }
  try {
    torch::jit::Module module("LfaTestModel");
    module.define(R"(
def forward(self, x):
    assert not bool((x.abs() > 100.0).any()), "lfa test model: an input beyond |x| > 100"
    return (torch.sin(3.0 * x).sum(1) + x[:, 0] * x[:, 1]).unsqueeze(1)
)");
    module.save(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
  return 0;
}
