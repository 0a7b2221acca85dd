#include "experiments/studies/paper/results_bytes.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lfa {

void EncodePaperModelResults(ByteWriter& out, const PaperModelResults& m) {
  out.Text(m.dataset);
  out.Text(m.model);
  out.Integer(m.points);
  out.Integer(m.features);
  out.List(m.exp1, [&](const ClassicVsLfa& r) {
    out.Text(r.classic); out.Text(r.lfa); out.Double(r.l1_mean); out.Double(r.cosine_mean);
  });
  out.List(m.exp1b, [&](const LimitStep& r) {
    out.Text(r.sweep); out.Double(r.value); out.Double(r.l1_median); out.Double(r.cosine_median);
  });
  out.List(m.exp2, [&](const Recovery& r) {
    out.Text(r.source); out.Text(r.method); out.Text(r.reference);
    out.Double(r.l1_mean); out.Double(r.cosine_mean);
  });
  out.List(m.exp3, [&](const PerturbationResult& r) {
    out.Text(r.method); out.Text(r.ranking); out.Text(r.perturbation); out.Integer(r.k);
    out.Double(r.mean); out.Double(r.sem);
  });
  out.List(m.nfl, [&](const NflCell& r) {
    out.Text(r.explainer); out.Text(r.neighbourhood); out.Text(r.loss);
    out.Integer(r.logistic ? 1 : 0); out.Double(r.mean); out.Double(r.sem);
  });
  out.List(m.convergence, [&](const ConvergenceResult& r) {
    out.Text(r.method); out.Text(r.reference); out.Integer(r.samples);
    out.Double(r.l1_mean); out.Double(r.cosine_mean);
  });
}

// Each field is read in a statement of its own: the reads must happen in the order written.
PaperModelResults DecodePaperModelResults(ByteReader& in) {
  PaperModelResults m;
  m.dataset = in.Text();
  m.model = in.Text();
  m.points = in.Integer();
  m.features = in.Integer();
  m.exp1 = in.List<ClassicVsLfa>([&] {
    ClassicVsLfa r;
    r.classic = in.Text(); r.lfa = in.Text(); r.l1_mean = in.Double(); r.cosine_mean = in.Double();
    return r;
  });
  m.exp1b = in.List<LimitStep>([&] {
    LimitStep r;
    r.sweep = in.Text(); r.value = in.Double(); r.l1_median = in.Double();
    r.cosine_median = in.Double();
    return r;
  });
  m.exp2 = in.List<Recovery>([&] {
    Recovery r;
    r.source = in.Text(); r.method = in.Text(); r.reference = in.Text();
    r.l1_mean = in.Double(); r.cosine_mean = in.Double();
    return r;
  });
  m.exp3 = in.List<PerturbationResult>([&] {
    PerturbationResult r;
    r.method = in.Text(); r.ranking = in.Text(); r.perturbation = in.Text(); r.k = in.Integer();
    r.mean = in.Double(); r.sem = in.Double();
    return r;
  });
  m.nfl = in.List<NflCell>([&] {
    NflCell r;
    r.explainer = in.Text(); r.neighbourhood = in.Text(); r.loss = in.Text();
    r.logistic = in.Integer() != 0, r.mean = in.Double(); r.sem = in.Double();
    return r;
  });
  m.convergence = in.List<ConvergenceResult>([&] {
    ConvergenceResult r;
    r.method = in.Text(); r.reference = in.Text(); r.samples = in.Integer();
    r.l1_mean = in.Double(); r.cosine_mean = in.Double();
    return r;
  });
  return m;
}

}  // namespace lfa
