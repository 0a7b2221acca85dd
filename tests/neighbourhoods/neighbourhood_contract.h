// The Neighbourhood contract suite (framework/neighbourhood.h), one case per registered example.
//
// The tests live in neighbourhood_contract_test.cc and are instantiated there for every example
// of DefaultRegistry(). The fixture is declared here so that a neighbourhood registered elsewhere
// (a copy of the default registry) gets the same suite with one line:
//
//   INSTANTIATE_TEST_SUITE_P(UniformBox, NeighbourhoodContract,
//                            ::testing::ValuesIn(test::NeighbourhoodCases(Mine(), "uniform_box")),
//                            test::CaseName());
//
// The suite checks: Dimension is the example's dimension; sample and weight shapes and dtypes;
// finite, non-negative weights with some weight for every point; the same seed gives the same
// samples and another seed others (unless the example says the draws ignore the seed); a point
// alone gets the samples it gets in a batch; Decode(Origin) = x; Decode gives finite model inputs
// and is differentiable in xi, every feature moving the input; type() is the registered name; and
// the JSON round trip through the registry rebuilds the same sampler.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <torch/types.h>

#include "framework/neighbourhood.h"
#include "framework/registry.h"
#include "tests/framework/registry_cases.h"
#include "tests/test_util.h"

namespace lfa {

class NeighbourhoodContract : public ::testing::TestWithParam<test::NeighbourhoodCase> {
 protected:
  static constexpr int64_t kSamples = 64;

  void SetUp() override {
    neighbourhood_ = GetParam().registry->MakeNeighbourhood(GetParam().example.spec);
  }
  const NeighbourhoodExample& example() const { return GetParam().example; }

  // n points of the example's shape, offset so that no element sits on a baseline.
  torch::Tensor Points(int64_t n, uint64_t seed) const {
    std::vector<int64_t> shape = {n};
    shape.insert(shape.end(), example().input_shape.begin(), example().input_shape.end());
    return test::RandomNormal(shape, seed) + 2.0;
  }

  std::unique_ptr<Neighbourhood> neighbourhood_;
};

}  // namespace lfa
