// Mask leakage: how well the *removal mask alone* predicts the label.
//
// ROAR retrains on images whose top-ranked pixels were replaced. If the set of replaced pixels is
// itself a picture of the object (a gradient ranking follows the silhouette), the retrained model
// can classify from the mask's shape and ROAR accuracy stays high however much information was
// removed (Rong et al., ICML 2022, call this class information leakage). This measures it
// directly: a classifier that sees only the binary mask m in {0, 1}^P of each image (1 = pixel
// replaced, no pixel values) is trained on the training images' masks and labels and tested on
// the test images'. Test accuracy near chance: the mask carries no class; near the retrained
// model's accuracy: the mask alone explains it.
//
// The classifier is multinomial logistic regression, p(y | m) = softmax(W m + b), fitted by
// minimising the mean cross-entropy + (l2 / 2) ||W||^2 (b not penalised) with full-batch Adam
// from W = 0, b = 0 for `steps` steps. The start and the data fix every step, so there is no
// seed: the same masks give the same accuracy. Because b is free and W unpenalised in sign, the
// mask m and its complement 1 - m have the same optimum (W' = -W, b' = b + W 1): the leakage of
// ROAR at t (top t replaced) equals that of KAR at t (the rest replaced), so one fit serves both.
//
//   MaskLeakageResult leak = MaskLabelAccuracy(train_masks, train_labels, test_masks, test_labels);
//   std::cout << leak.test_accuracy << " vs chance " << leak.chance << "\n";
//
// WARNING: the classifier is linear; a low accuracy bounds only what a linear read-out of the mask
// gets. A retrained CNN may read more (a high accuracy, on the other hand, is a lower bound on the
// leak).
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

namespace lfa {

struct MaskLeakageOptions {
  // Full-batch Adam steps (>= 1).
  int64_t steps = 300;
  // Adam step size (> 0).
  double learning_rate = 0.05;
  // Ridge penalty on W (>= 0).
  double l2 = 1e-4;

  bool IsValid(std::string* error) const;
};

struct MaskLeakageResult {
  double train_accuracy = 0;  // on the masks it was fitted to
  double test_accuracy = 0;   // on the held-out masks: the leakage
  double chance = 0;          // share of the test set's most frequent label
};

// masks [N, ...] (bool or 0/1 values; flattened per image), labels int64 [N] in [0, classes)
// with classes = 1 + the largest training or test label. InvalidInput for mismatched sizes, an
// empty set, a negative label or options that are not valid.
MaskLeakageResult MaskLabelAccuracy(const torch::Tensor& train_masks,
                                    const torch::Tensor& train_labels,
                                    const torch::Tensor& test_masks,
                                    const torch::Tensor& test_labels,
                                    const MaskLeakageOptions& options = {});

}  // namespace lfa
