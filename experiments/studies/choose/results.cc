#include "experiments/studies/choose/results.h"

#include <algorithm>
#include <numeric>

#include "framework/errors.h"

namespace lfa {

const CandidateScore* NeighbourhoodResult::Find(const std::string& candidate) const {
  for (const CandidateScore& score : scores)
    if (score.candidate == candidate) return &score;
  return nullptr;
}

const CandidateScore* NeighbourhoodResult::Own() const {
  for (const CandidateScore& score : scores)
    if (score.own) return &score;
  return nullptr;
}

NeighbourhoodResult ScoreNeighbourhood(NeighbourhoodResult header,
                                       const std::vector<ScoredEntry>& entries,
                                       const torch::Tensor& losses,
                                       const torch::Tensor& constant_loss) {
  const int64_t c = static_cast<int64_t>(entries.size());
  if (losses.dim() != 2 || losses.size(0) != c || constant_loss.dim() != 1 ||
      constant_loss.size(0) != losses.size(1))
    Fail("choose: losses ", losses.sizes(), " and constant-model losses ", constant_loss.sizes(),
         " do not match ", c, " candidate(s)");
  const torch::Tensor l = losses.to(torch::kDouble);
  header.points = l.size(1);
  header.constant_loss = Summarize(constant_loss);
  const double constant_mean = header.constant_loss.mean;
  // Ties at a point: within kZeroRelativeLoss of the constant model's loss there.
  const torch::Tensor ties = kZeroRelativeLoss * constant_loss.to(torch::kDouble).abs();
  const torch::Tensor shares = WinShares(l, ties);
  std::vector<CandidateScore> scores;
  for (int64_t j = 0; j < c; ++j) {
    CandidateScore score{.candidate = entries[j].candidate,
                         .kind = entries[j].kind,
                         .own = entries[j].own,
                         .loss = Summarize(l[j]),
                         .population = entries[j].population};
    score.relative = constant_mean > 0 ? score.loss.mean / constant_mean : 0.0;
    score.zero = score.loss.mean <= kZeroRelativeLoss * constant_mean;
    score.win_share = shares[j].item<double>();
    scores.push_back(score);
  }
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&scores](size_t a, size_t b) {
    return scores[a].loss.mean < scores[b].loss.mean;
  });
  const int64_t best = static_cast<int64_t>(order.front());
  for (size_t r = 0; r < order.size(); ++r) {
    CandidateScore score = scores[order[r]];
    score.rank = 1 + static_cast<int>(std::count_if(
                         scores.begin(), scores.end(),
                         [&](const CandidateScore& s) { return s.loss.mean < score.loss.mean; }));
    score.to_best = ComparePaired(l[static_cast<int64_t>(order[r])], l[best], header.level);
    header.scores.push_back(score);
  }
  return header;
}

}  // namespace lfa
