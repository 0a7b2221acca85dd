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
    r.AddNeighbourhood("gaussian", &GaussianNeighbourhood::FromJson);
    r.AddNeighbourhood("bernoulli_mask", &BernoulliMaskNeighbourhood::FromJson);
    r.AddNeighbourhood("shapley_coalitions", &ShapleyCoalitionsNeighbourhood::FromJson);
    r.AddNeighbourhood("one_hot_removal", &OneHotRemovalNeighbourhood::FromJson);
    r.AddNeighbourhood("scale_path", &ScalePathNeighbourhood::FromJson);
    r.AddLoss("squared", &SquaredLoss::FromJson);
    r.AddLoss("gradient_matching", &GradientMatchingLoss::FromJson);
    r.AddSurrogate("linear", &LinearSurrogate::FromJson);
    r.AddSurrogate("logistic", &LogisticSurrogate::FromJson);
    r.AddSolver("auto", &AutoSolver::FromJson);
    r.AddSolver("closed_form", &ClosedFormSolver::FromJson);
    r.AddSolver("ceres", &CeresSolver::FromJson);
    return r;
  }();
  return registry;
}

}  // namespace lfa
