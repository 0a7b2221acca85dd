// The mask-leakage classifier on synthetic masks with known answers: masks that encode the label
// give accuracy 1; masks independent of the label give chance accuracy within a binomial bound;
// a mask and its complement leak the same; bad inputs are rejected.

#include <cmath>

#include <gtest/gtest.h>

#include "framework/errors.h"
#include "metrics/mask_leakage.h"

namespace lfa {
namespace {

// n random 8 x 8 masks (each pixel replaced with probability 0.5) and labels uniform in 0..9.
std::pair<torch::Tensor, torch::Tensor> RandomMasks(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  return {torch::rand({n, 8, 8}) < 0.5, torch::randint(0, 10, {n}, torch::kLong)};
}

// The masks with pixel `label` (of 64) forced on and the other pixels 0..9 off:
// the label is written into the mask.
torch::Tensor Encode(torch::Tensor masks, const torch::Tensor& labels) {
  torch::Tensor flat = masks.reshape({masks.size(0), -1}).clone();
  flat.slice(1, 0, 10).fill_(false);
  flat.scatter_(1, labels.unsqueeze(1), true);
  return flat.reshape(masks.sizes());
}

TEST(MaskLeakage, MasksThatEncodeTheLabelPredictItPerfectly) {
  const auto [train, train_labels] = RandomMasks(1000, 1);
  const auto [test, test_labels] = RandomMasks(1000, 2);
  const MaskLeakageResult leak =
      MaskLabelAccuracy(Encode(train, train_labels), train_labels, Encode(test, test_labels), test_labels);
  EXPECT_EQ(leak.test_accuracy, 1.0);
  EXPECT_EQ(leak.train_accuracy, 1.0);
}

TEST(MaskLeakage, MasksIndependentOfTheLabelGiveChance) {
  const auto [train, train_labels] = RandomMasks(2000, 3);
  const auto [test, test_labels] = RandomMasks(2000, 4);
  const MaskLeakageResult leak = MaskLabelAccuracy(train, train_labels, test, test_labels);
  // The predictions do not depend on the test labels, so the number right is a sum of 2000
  // independent Bernoulli(p_i) with p_i = the share of the predicted label, about 0.1:
  // sd <= sqrt(0.25 / 2000) < 0.0112 in the worst case, 0.0067 at p = 0.1; 0.04 is over 3.5 sd.
  EXPECT_NEAR(leak.test_accuracy, 0.1, 0.04);
  EXPECT_GT(leak.train_accuracy, leak.test_accuracy);  // it fits noise it cannot generalise
  EXPECT_NEAR(leak.chance, torch::bincount(test_labels).max().item<double>() / 2000.0, 1e-15);
}

TEST(MaskLeakage, AMaskAndItsComplementLeakAlike) {
  // Half the label in the mask: pixel (label mod 5) on. The optimum is the same for m and 1 - m,
  // so the accuracies agree to the optimiser's precision (a few test points at most).
  auto [train, train_labels] = RandomMasks(1000, 5);
  auto [test, test_labels] = RandomMasks(1000, 6);
  train = Encode(train, train_labels.remainder(5));
  test = Encode(test, test_labels.remainder(5));
  const MaskLeakageResult direct = MaskLabelAccuracy(train, train_labels, test, test_labels);
  const MaskLeakageResult complement =
      MaskLabelAccuracy(train.logical_not(), train_labels, test.logical_not(), test_labels);
  EXPECT_NEAR(direct.test_accuracy, 0.5, 0.06);  // the pair is known, the half within it is not
  EXPECT_NEAR(direct.test_accuracy, complement.test_accuracy, 0.01);
}

TEST(MaskLeakage, RejectsBadInputs) {
  const auto [masks, labels] = RandomMasks(10, 7);
  EXPECT_THROW(MaskLabelAccuracy(masks, labels.slice(0, 0, 9), masks, labels), InvalidInput);
  EXPECT_THROW(MaskLabelAccuracy(masks, labels, masks.reshape({10, 4, 16}).slice(2, 0, 8), labels),
               InvalidInput);
  EXPECT_THROW(MaskLabelAccuracy(masks, labels - 20, masks, labels), InvalidInput);
  EXPECT_THROW(MaskLabelAccuracy(masks, labels, masks, labels, {.steps = 0}), InvalidInput);
}

}  // namespace
}  // namespace lfa
