#include "experiments/studies/roar/roar_bytes.h"

#include <utility>

namespace lfa {

void EncodeRoarRun(ByteWriter& out, const RoarRun& run) {
  out.Text(run.key);
  out.Text(run.cell.mode);
  out.Text(run.cell.method);
  out.Double(run.cell.fraction);
  out.Text(run.cell.removal);
  out.Integer(run.retrain);
  out.Integer(static_cast<int64_t>(run.seed));
  out.Double(run.accuracy);
  out.Double(run.seconds);
}

// Each field is read in a statement of its own: the reads must happen in the order written.
RoarRun DecodeRoarRun(ByteReader& in) {
  RoarRun run;
  run.key = in.Text();
  run.cell.mode = in.Text();
  run.cell.method = in.Text();
  run.cell.fraction = in.Double();
  run.cell.removal = in.Text();
  run.retrain = in.Integer();
  run.seed = static_cast<uint64_t>(in.Integer());
  run.accuracy = in.Double();
  run.seconds = in.Double();
  return run;
}

void EncodeRoarPlan(ByteWriter& out, const RoarPlan& plan) {
  out.List(plan.units, [&](int64_t unit) { out.Integer(unit); });
  out.Integer(static_cast<int64_t>(plan.orders.size()));
  for (const auto& [method, order] : plan.orders) {
    out.Text(method);
    out.Tensor(order);
  }
}

RoarPlan DecodeRoarPlan(ByteReader& in) {
  RoarPlan plan;
  plan.units = in.List<int64_t>([&] { return in.Integer(); });
  const int64_t orders = in.Count();
  for (int64_t i = 0; i < orders; ++i) {
    std::string method = in.Text();
    plan.orders[std::move(method)] = in.Tensor();
  }
  return plan;
}

}  // namespace lfa
