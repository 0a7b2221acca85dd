#include "explainers/builtin_registry.h"

#include "losses/gradient_matching.h"
#include "losses/squared.h"
#include "neighbourhoods/bernoulli_mask.h"
#include "neighbourhoods/gaussian.h"
#include "neighbourhoods/one_hot_removal.h"
#include "neighbourhoods/scale_path.h"
#include "neighbourhoods/shapley_coalitions.h"
#include "solvers/ceres_solver.h"
#include "solvers/closed_form.h"
#include "surrogates/linear.h"
#include "surrogates/logistic.h"

namespace lfa {

const ComponentRegistry& DefaultRegistry() {
  static const ComponentRegistry registry = [] {
    ComponentRegistry r;
    r.AddNeighbourhood("gaussian", &GaussianNeighbourhood::FromJson,
                       GaussianNeighbourhood::Examples());
    r.AddNeighbourhood("bernoulli_mask", &BernoulliMaskNeighbourhood::FromJson,
                       BernoulliMaskNeighbourhood::Examples());
    r.AddNeighbourhood("shapley_coalitions", &ShapleyCoalitionsNeighbourhood::FromJson,
                       ShapleyCoalitionsNeighbourhood::Examples());
    r.AddNeighbourhood("one_hot_removal", &OneHotRemovalNeighbourhood::FromJson,
                       OneHotRemovalNeighbourhood::Examples());
    r.AddNeighbourhood("scale_path", &ScalePathNeighbourhood::FromJson,
                       ScalePathNeighbourhood::Examples());
    r.AddLoss("squared", &SquaredLoss::FromJson, SquaredLoss::Examples());
    r.AddLoss("gradient_matching", &GradientMatchingLoss::FromJson,
              GradientMatchingLoss::Examples());
    r.AddSurrogate("linear", &LinearSurrogate::FromJson, LinearSurrogate::Examples());
    r.AddSurrogate("logistic", &LogisticSurrogate::FromJson, LogisticSurrogate::Examples());
    r.AddSolver("auto", &AutoSolver::FromJson, AutoSolver::Examples());
    r.AddSolver("closed_form", &ClosedFormSolver::FromJson, ClosedFormSolver::Examples());
    r.AddSolver("ceres", &CeresSolver::FromJson, CeresSolver::Examples());
    return r;
  }();
  return registry;
}

}  // namespace lfa
