// The bytes a rank sends for one model of `reproduce paper`: every field comes back, every number
// bit for bit (so rank 0's tables are those of the computing rank), and a cut buffer is an error.

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "experiments/parallel/tensor_bytes.h"
#include "experiments/studies/paper/results.h"
#include "experiments/studies/paper/results_bytes.h"
#include "experiments/studies/paper/tables.h"
#include "tests/experiments/studies/paper/hand_made_results.h"

namespace lfa {
namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

// The tiny model with a row in every table, numbers a text round trip would change (0.1 + 0.2,
// -0, NaN), a logistic nfl cell and an exp2 row.
PaperModelResults AwkwardModel() {
  PaperModelResults m = test::PaperTinyModel();
  m.dataset = "heloc";
  m.exp1.push_back({"gradient", "smoothgrad", 0.1 + 0.2, -0.0});
  m.exp2.push_back({"classic", "gradient", "w", std::numeric_limits<double>::quiet_NaN(), 1e-300});
  m.nfl.push_back({"clime+logistic", "clime", "squared_delta", true, 0.123456789, 1.0 / 3.0});
  m.convergence.push_back({"clime", "smoothgrad_100000", 30, 0.1 + 0.7, 0.0});
  return m;
}

PaperModelResults RoundTrip(const PaperModelResults& m) {
  ByteWriter out;
  EncodePaperModelResults(out, m);
  ByteReader in(out.bytes());
  PaperModelResults back = DecodePaperModelResults(in);
  EXPECT_TRUE(in.done());
  return back;
}

TEST(PaperResultsBytesTest, EveryFieldComesBackBitForBit) {
  const PaperModelResults m = AwkwardModel();
  const PaperModelResults back = RoundTrip(m);
  EXPECT_EQ(back.dataset, m.dataset);
  EXPECT_EQ(back.model, m.model);
  EXPECT_EQ(back.points, m.points);
  EXPECT_EQ(back.features, m.features);
  ASSERT_EQ(back.exp1.size(), m.exp1.size());
  for (size_t i = 0; i < m.exp1.size(); ++i) {
    EXPECT_EQ(back.exp1[i].classic, m.exp1[i].classic);
    EXPECT_EQ(back.exp1[i].lfa, m.exp1[i].lfa);
    EXPECT_TRUE(SameBits(back.exp1[i].l1_mean, m.exp1[i].l1_mean));
    EXPECT_TRUE(SameBits(back.exp1[i].cosine_mean, m.exp1[i].cosine_mean));
  }
  ASSERT_EQ(back.exp1b.size(), m.exp1b.size());
  for (size_t i = 0; i < m.exp1b.size(); ++i) {
    EXPECT_EQ(back.exp1b[i].sweep, m.exp1b[i].sweep);
    EXPECT_TRUE(SameBits(back.exp1b[i].value, m.exp1b[i].value));
    EXPECT_TRUE(SameBits(back.exp1b[i].l1_median, m.exp1b[i].l1_median));
    EXPECT_TRUE(SameBits(back.exp1b[i].cosine_median, m.exp1b[i].cosine_median));
  }
  ASSERT_EQ(back.exp2.size(), m.exp2.size());
  for (size_t i = 0; i < m.exp2.size(); ++i) {
    EXPECT_EQ(back.exp2[i].source, m.exp2[i].source);
    EXPECT_EQ(back.exp2[i].method, m.exp2[i].method);
    EXPECT_EQ(back.exp2[i].reference, m.exp2[i].reference);
    EXPECT_TRUE(SameBits(back.exp2[i].l1_mean, m.exp2[i].l1_mean));
    EXPECT_TRUE(SameBits(back.exp2[i].cosine_mean, m.exp2[i].cosine_mean));
  }
  ASSERT_EQ(back.exp3.size(), m.exp3.size());
  for (size_t i = 0; i < m.exp3.size(); ++i) {
    EXPECT_EQ(back.exp3[i].method, m.exp3[i].method);
    EXPECT_EQ(back.exp3[i].ranking, m.exp3[i].ranking);
    EXPECT_EQ(back.exp3[i].perturbation, m.exp3[i].perturbation);
    EXPECT_EQ(back.exp3[i].k, m.exp3[i].k);
    EXPECT_TRUE(SameBits(back.exp3[i].mean, m.exp3[i].mean));
    EXPECT_TRUE(SameBits(back.exp3[i].sem, m.exp3[i].sem));
  }
  ASSERT_EQ(back.nfl.size(), m.nfl.size());
  for (size_t i = 0; i < m.nfl.size(); ++i) {
    EXPECT_EQ(back.nfl[i].explainer, m.nfl[i].explainer);
    EXPECT_EQ(back.nfl[i].neighbourhood, m.nfl[i].neighbourhood);
    EXPECT_EQ(back.nfl[i].loss, m.nfl[i].loss);
    EXPECT_EQ(back.nfl[i].logistic, m.nfl[i].logistic);
    EXPECT_TRUE(SameBits(back.nfl[i].mean, m.nfl[i].mean));
    EXPECT_TRUE(SameBits(back.nfl[i].sem, m.nfl[i].sem));
  }
  ASSERT_EQ(back.convergence.size(), m.convergence.size());
  for (size_t i = 0; i < m.convergence.size(); ++i) {
    EXPECT_EQ(back.convergence[i].method, m.convergence[i].method);
    EXPECT_EQ(back.convergence[i].reference, m.convergence[i].reference);
    EXPECT_EQ(back.convergence[i].samples, m.convergence[i].samples);
    EXPECT_TRUE(SameBits(back.convergence[i].l1_mean, m.convergence[i].l1_mean));
    EXPECT_TRUE(SameBits(back.convergence[i].cosine_mean, m.convergence[i].cosine_mean));
  }
}

// What the bytes are for: rank 0's tables of gathered results are the computing rank's tables.
TEST(PaperResultsBytesTest, TablesOfTheGatheredResultsAreTheSame) {
  PaperResults results = test::PaperTinyResults();
  results.models.push_back(AwkwardModel());
  PaperResults gathered = results;
  for (PaperModelResults& m : gathered.models) m = RoundTrip(m);
  for (auto table : {Exp1Table, Exp1bTable, Exp2Table, Exp3Table, NflTable, ConvergenceTable}) {
    EXPECT_EQ(table(gathered).header, table(results).header);
    EXPECT_EQ(table(gathered).rows, table(results).rows);
  }
}

TEST(PaperResultsBytesTest, ACutBufferIsAnError) {
  ByteWriter out;
  EncodePaperModelResults(out, AwkwardModel());
  for (const size_t cut : {size_t{0}, size_t{5}, out.bytes().size() / 2, out.bytes().size() - 1}) {
    const std::string part = out.bytes().substr(0, cut);
    ByteReader in(part);
    EXPECT_THROW(DecodePaperModelResults(in), std::runtime_error) << cut << " bytes";
  }
}

}  // namespace
}  // namespace lfa
