#include "experiments/studies/choose/verdict.h"

#include <algorithm>
#include <set>

#include "experiments/report/markdown.h"
#include "experiments/studies/choose/prose.h"

namespace lfa {
namespace {

std::string Interval(const PairedDifference& d, double level) {
  return Concat(Percent(level), " CI [", Short(d.low), ", ", Short(d.high), "]");
}

// The sentence about the own composition (empty when there is none).
std::string OwnSentence(const NeighbourhoodVerdict& v) {
  if (v.own.empty()) return "";
  if (v.own == v.best)
    return Concat(" `", v.own,
                  "` is the neighbourhood's own composition, the optimum in the population.");
  const bool grouped = std::find(v.group.begin(), v.group.end(), v.own) != v.group.end();
  return Concat(" The neighbourhood's own composition `", v.own,
                "` (the optimum in the population, estimated from its own samples) ranks ",
                std::to_string(v.own_rank), ", ", Short(v.own_gap.mean), " above the best (",
                Interval(v.own_gap, v.level), ")", grouped ? ", and is among the choices." : ".");
}

std::string ZeroSentence(const NeighbourhoodVerdict& v) {
  const std::string zero = Concat("zero loss (at most ", Short(kZeroRelativeLoss),
                                  " of the constant model's loss: exact up to rounding)");
  if (v.group.size() == 1)
    return Concat("Over ", v.neighbourhood, ", choose `", v.best, "`: it alone of ",
                  std::to_string(v.candidates), " candidates has ", zero, ".");
  const std::string text =
      Concat("Over ", v.neighbourhood, ", ", std::to_string(v.group.size()), " of ",
             std::to_string(v.candidates), " candidates tie at ", zero);
  if (v.group.size() == v.candidates)
    return Concat(text,
                  ": every candidate is exact over this neighbourhood (f is affine in what it "
                  "varies), and any of them is a faithful choice.");
  return Concat(text, "; choose any of ", Quoted(v.group), ".");
}

std::string SharedSentence(const NeighbourhoodVerdict& v) {
  return Concat("Over ", v.neighbourhood, ", `", v.best, "` ranks first and `", v.runner_up,
                "` second, but they estimate the same population solution (", v.shared_reason,
                "), so no winner is named between them: the runner-up's loss is ",
                Short(v.gap.mean), " higher (", Interval(v.gap, v.level), "), ",
                v.gap.Resolved() ? "a difference in estimation variance" : "within the noise",
                " that more samples shrink, not a difference in what they explain. Choose any of ",
                Quoted(v.group), ".");
}

std::string ClearSentence(const NeighbourhoodVerdict& v) {
  std::string text = Concat("Over ", v.neighbourhood, ", choose `", v.best, "`: its loss ",
                            Short(v.best_loss), " ± ", Short(v.best_sem), " (",
                            Short(v.best_relative), " of the constant model's) is the lowest");
  if (!v.runner_up.empty())
    text += Concat(", below the runner-up `", v.runner_up, "` by ", Short(v.gap.mean), " (",
                   Interval(v.gap, v.level), " over ", std::to_string(v.points), " points)");
  return Concat(text, "; it is the best candidate at ", Percent(v.best_win_share),
                " of the points.");
}

std::string UndecidedSentence(const NeighbourhoodVerdict& v) {
  std::string text =
      Concat("Over ", v.neighbourhood, ", `", v.best, "` (loss ", Short(v.best_loss), ") and `",
             v.runner_up, "` cannot be told apart at ", std::to_string(v.points), " points x ",
             std::to_string(v.evaluation_samples), " samples: the runner-up's loss is ",
             Short(v.gap.mean), " higher (", Interval(v.gap, v.level), "); ");
  text += v.gap.points_needed ? Concat("about ", std::to_string(*v.gap.points_needed),
                                       " points would resolve a difference this size.")
                              : std::string("their losses are equal at every point.");
  if (v.group.size() > 2)
    text += Concat(" ", std::to_string(v.group.size()),
                   " candidates are not separated from the best: ", Quoted(v.group), ".");
  return text;
}

// The choice in a few words, for the answer paragraph.
std::string BriefChoice(const NeighbourhoodVerdict& v) {
  switch (v.kind) {
    case VerdictKind::kTieAtZero:
      if (v.group.size() == 1) return Concat("`", v.best, "` (exact)");
      return Concat("any of the ", std::to_string(v.group.size()), " exact candidates (",
                    v.group.size() == v.candidates ? "all of them" : Quoted(v.group), ")");
    case VerdictKind::kSharedSolution:
      return Concat(Quoted(v.group), " (one population solution; `", v.best,
                    "` has the lower loss here)");
    case VerdictKind::kClear:
      return Concat("`", v.best, "`");
    case VerdictKind::kUndecided:
      return Concat(Quoted(v.group), " (not told apart at ", std::to_string(v.points), " points",
                    v.gap.points_needed
                        ? Concat("; about ", std::to_string(*v.gap.points_needed), " needed")
                        : std::string(),
                    ")");
  }
  return "";
}

}  // namespace

std::vector<std::string> NeighbourhoodVerdict::Chosen() const {
  if (kind == VerdictKind::kClear || group.empty()) return {best};
  return group;
}

NeighbourhoodVerdict JudgeNeighbourhood(const NeighbourhoodResult& result) {
  NeighbourhoodVerdict v;
  v.neighbourhood = result.neighbourhood.Name();
  v.candidates = result.scores.size();
  v.points = result.points;
  v.evaluation_samples = result.evaluation_samples;
  v.level = result.level;
  const std::vector<CandidateScore>& scores = result.scores;
  if (scores.empty()) return v;
  const CandidateScore& best = scores.front();
  v.best = best.candidate;
  v.best_loss = best.loss.mean;
  v.best_sem = best.loss.sem;
  v.best_relative = best.relative;
  v.best_win_share = best.win_share;
  if (const CandidateScore* own = result.Own()) {
    v.own = own->candidate;
    v.own_rank = own->rank;
    v.own_gap = own->to_best;
  }
  if (scores.size() > 1) {
    v.runner_up = scores[1].candidate;
    v.gap = scores[1].to_best;
  }
  if (best.zero) {
    v.kind = VerdictKind::kTieAtZero;
    for (const CandidateScore& s : scores)
      if (s.zero) v.group.push_back(s.candidate);
  } else if (scores.size() > 1 && best.population.Shares(scores[1].population)) {
    v.kind = VerdictKind::kSharedSolution;
    v.shared_reason = best.population.reason;
    for (const CandidateScore& s : scores)
      if (best.population.Shares(s.population)) v.group.push_back(s.candidate);
  } else if (scores.size() == 1 || v.gap.Resolved()) {
    v.kind = VerdictKind::kClear;
  } else {
    v.kind = VerdictKind::kUndecided;
    for (const CandidateScore& s : scores)
      if (!s.to_best.Resolved()) v.group.push_back(s.candidate);
  }
  return v;
}

std::string VerdictSentence(const NeighbourhoodVerdict& v) {
  if (v.best.empty()) return Concat("Over ", v.neighbourhood, " there was no candidate to judge.");
  switch (v.kind) {
    case VerdictKind::kTieAtZero:
      return ZeroSentence(v);
    case VerdictKind::kSharedSolution:
      return Concat(SharedSentence(v), OwnSentence(v));
    case VerdictKind::kClear:
      return Concat(ClearSentence(v), OwnSentence(v));
    case VerdictKind::kUndecided:
      return Concat(UndecidedSentence(v), OwnSentence(v));
  }
  return "";
}

std::vector<ProfileVerdict> JudgeProfiles(const std::vector<NeighbourhoodResult>& results) {
  std::vector<ProfileVerdict> verdicts;
  for (const NeighbourhoodResult& r : results) {
    const NeighbourhoodOfInterest& n = r.neighbourhood;
    if (!n.width_kind || !n.width || r.scores.empty()) continue;
    if (verdicts.empty() || verdicts.back().neighbourhood != n.label ||
        verdicts.back().width_name != WidthName(*n.width_kind))
      verdicts.push_back({.neighbourhood = n.label, .width_name = WidthName(*n.width_kind)});
    ProfileStep step{.width = *n.width, .best = r.scores.front().candidate};
    step.own_first = r.scores.front().own;
    for (const CandidateScore& s : r.scores) {
      if (s.kind != CandidateKind::kOwn) {
        step.best_named = s.candidate;
        step.best_named_population = s.population;
        break;
      }
    }
    ProfileVerdict& v = verdicts.back();
    if (!v.steps.empty()) {
      const ProfileStep& leader = v.steps[v.changes.empty() ? 0 : v.changes.back()];
      if (leader.best_named != step.best_named &&
          !leader.best_named_population.Shares(step.best_named_population))
        v.changes.push_back(v.steps.size());
    }
    v.steps.push_back(step);
  }
  return verdicts;
}

namespace {

// "`smoothgrad` from sigma 0.0720 to 0.139 (or `smoothgrad_classic`: one population solution)"
// for the steps [begin, end) of one choice.
std::string ProfileRun(const ProfileVerdict& v, size_t begin, size_t end) {
  std::vector<std::string> names;
  for (size_t j = begin; j < end; ++j)
    if (std::find(names.begin(), names.end(), v.steps[j].best_named) == names.end())
      names.push_back(v.steps[j].best_named);
  std::string text = Concat("`", names.front(), "`");
  text += end - begin == 1 ? Concat(" at ", v.width_name, " ", Short(v.steps[begin].width))
                           : Concat(" from ", v.width_name, " ", Short(v.steps[begin].width),
                                    " to ", Short(v.steps[end - 1].width));
  if (names.size() > 1)
    text += Concat(" (or ", Quoted({names.begin() + 1, names.end()}), ": one population solution)");
  return text;
}

}  // namespace

std::string ProfileSentence(const ProfileVerdict& v) {
  if (v.steps.empty()) return "";
  std::string text = Concat("Over ", v.neighbourhood, " swept by ", v.width_name, " from ",
                            Short(v.steps.front().width), " to ", Short(v.steps.back().width),
                            ", the best named candidate is ");
  std::vector<size_t> starts = {0};
  starts.insert(starts.end(), v.changes.begin(), v.changes.end());
  starts.push_back(v.steps.size());
  for (size_t k = 0; k + 1 < starts.size(); ++k)
    text += Concat(k == 0 ? "" : ", then ", ProfileRun(v, starts[k], starts[k + 1]));
  text += v.changes.empty() ? std::string(" (the same choice at every width)")
                            : Concat(" (the best choice changes ", std::to_string(v.changes.size()),
                                     v.changes.size() == 1 ? " time)" : " times)");
  const auto own_first = std::count_if(v.steps.begin(), v.steps.end(),
                                       [](const ProfileStep& s) { return s.own_first; });
  return Concat(text, "; the width's own composition ranks first at ", std::to_string(own_first),
                " of ", std::to_string(v.steps.size()), " widths.");
}

std::string Answer(const ChooseResults& results) {
  std::string text = Concat("Which explanation should I choose for ", results.model, "? ");
  std::vector<std::set<std::string>> chosen;
  for (const NeighbourhoodResult& r : results.neighbourhoods) {
    const NeighbourhoodVerdict v = JudgeNeighbourhood(r);
    const std::vector<std::string> names = v.Chosen();
    chosen.emplace_back(names.begin(), names.end());
    if (!r.neighbourhood.width)
      text += Concat("Over ", v.neighbourhood, ": ", BriefChoice(v), ". ");
  }
  for (const ProfileVerdict& p : JudgeProfiles(results.neighbourhoods))
    text += ProfileSentence(p) + " ";
  if (chosen.size() > 1) {
    std::set<std::string> everywhere = chosen.front();
    for (const auto& set : chosen) {
      std::set<std::string> kept;
      for (const std::string& name : everywhere)
        if (set.count(name)) kept.insert(name);
      everywhere = kept;
    }
    text +=
        everywhere.empty()
            ? Concat("No candidate is a choice over all ", std::to_string(chosen.size()),
                     " neighbourhoods: the answer depends on the neighbourhood (no free lunch).")
            : Concat(Quoted({everywhere.begin(), everywhere.end()}), " ",
                     everywhere.size() == 1 ? "is a choice" : "are choices", " over all ",
                     std::to_string(chosen.size()), " neighbourhoods.");
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace lfa
