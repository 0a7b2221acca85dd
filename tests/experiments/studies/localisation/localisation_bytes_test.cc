// The bytes a rank sends for one method of `study localisation`: every mask's scores come back,
// every mean and standard error bit for bit, and a cut buffer is an error.

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/localisation/localisation_bytes.h"
#include "experiments/studies/localisation/localisation_results.h"

namespace lfa {
namespace {

bool LocalisationSameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

// Two masks' scores with numbers a text round trip would change (0.1 + 0.2, -0, NaN, 1/3).
std::vector<MethodScores> AwkwardScores() {
  std::vector<MethodScores> scores(2);
  double value = 0.1;
  for (MethodScores& s : scores) {
    s.method = "smoothgrad";
    for (auto& variant : s.scores)
      for (ScoreSummary& summary : variant) {
        summary.mean = value + 0.2;
        summary.sem = value / 3.0;
        value += 0.07;
      }
  }
  scores[1].at(LocalisationMetric::kPointingGame).sem = std::numeric_limits<double>::quiet_NaN();
  scores[1].at(LocalisationMetric::kRankAccuracy, MapVariant::kTopOnePercent).mean = -0.0;
  return scores;
}

TEST(LocalisationBytesTest, EveryMasksScoresComeBackBitForBit) {
  const std::vector<MethodScores> scores = AwkwardScores();
  ByteWriter out;
  EncodeMethodMaskScores(out, scores);
  ByteReader in(out.bytes());
  const std::vector<MethodScores> back = DecodeMethodMaskScores(in);
  EXPECT_TRUE(in.done());
  ASSERT_EQ(back.size(), scores.size());
  for (size_t k = 0; k < scores.size(); ++k) {
    EXPECT_EQ(back[k].method, scores[k].method);
    for (MapVariant variant : kMapVariants)
      for (LocalisationMetric metric : kLocalisationMetrics) {
        EXPECT_TRUE(LocalisationSameBits(back[k].at(metric, variant).mean,
                                         scores[k].at(metric, variant).mean));
        EXPECT_TRUE(LocalisationSameBits(back[k].at(metric, variant).sem,
                                         scores[k].at(metric, variant).sem));
      }
  }
}

TEST(LocalisationBytesTest, ACutBufferIsAnError) {
  ByteWriter out;
  EncodeMethodMaskScores(out, AwkwardScores());
  const std::string cut = out.bytes().substr(0, out.bytes().size() - 1);
  ByteReader in(cut);
  EXPECT_THROW(DecodeMethodMaskScores(in), std::runtime_error);
}

}  // namespace
}  // namespace lfa
