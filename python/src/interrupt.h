// Ctrl-C during a long C++ call made from Python.
//
// The bindings release the GIL while lfa works in C++ (other Python threads keep running). Python's
// SIGINT handler then only records the signal; KeyboardInterrupt would be raised when the call
// returns, which for a large explanation is minutes later. ThrowIfPythonInterrupted() is the
// remedy: called at the points where C++ work can stop cleanly (before every batch of model queries, after
// every explained chunk of points), it takes the GIL for a moment and runs Python's pending signal
// handlers (PyErr_CheckSignals). When a handler raised (KeyboardInterrupt, or whatever a user's
// handler raises) it throws pybind11::error_already_set holding that Python exception; the C++ call
// unwinds through the library (which holds no state that outlives the call) and pybind11 raises
// the same Python exception in the caller.
//
// InterruptibleModel is the hook that makes every model query a check point: it forwards to the
// wrapped model after ThrowIfPythonInterrupted(). The check costs about a microsecond per batch.
// InterruptibleLayeredModel does the same for a LayeredModel (a TorchScript Sequential), so the
// Oracle still finds its layers (the CAM family needs them); MakeInterruptible picks the one that
// fits.
//
//   Oracle oracle(MakeInterruptible(user_model));   // every Oracle batch now checks for Ctrl-C
//   explainer->Explain(oracle, points, targets, InterruptingProgress());
//
// WARNING: the check runs Python code (the signal handlers), so it must be called on the thread
// that released the GIL or on a thread that does not hold it; never while holding a lock that a
// signal handler could need.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/explainer.h"
#include "framework/layered_model.h"
#include "framework/model.h"

namespace lfa {

// Runs pending Python signal handlers; throws pybind11::error_already_set when one raised. (Not
// named ThrowIfInterrupted: that is the library's own check, framework/interrupt.h, which the
// extension links with the choose study; one name for both broke the link.)
void ThrowIfPythonInterrupted();

// A ProgressCallback that only checks for Ctrl-C.
ProgressCallback InterruptingProgress();

class InterruptibleModel : public Model {
 public:
  explicit InterruptibleModel(std::shared_ptr<Model> model) : model_(std::move(model)) {}

  torch::Tensor Forward(const torch::Tensor& inputs) override {
    ThrowIfPythonInterrupted();
    return model_->Forward(inputs);
  }
  std::vector<int64_t> input_shape() const override { return model_->input_shape(); }
  torch::Dtype dtype() const override { return model_->dtype(); }
  void To(const torch::Device& device) override { model_->To(device); }
  std::string description() const override { return model_->description(); }
  // The check takes the GIL itself (the explain bindings release it), so it is safe from the
  // helper threads of concurrent blocks; off the main thread it finds no signal to run.
  bool thread_safe() const override { return model_->thread_safe(); }

 private:
  std::shared_ptr<Model> model_;
};

class InterruptibleLayeredModel : public LayeredModel {
 public:
  explicit InterruptibleLayeredModel(std::shared_ptr<LayeredModel> model)
      : model_(std::move(model)) {}

  torch::Tensor Forward(const torch::Tensor& inputs) override {
    ThrowIfPythonInterrupted();
    return model_->Forward(inputs);
  }
  std::pair<torch::Tensor, torch::Tensor> ForwardWithActivation(
      const torch::Tensor& inputs, const std::string& layer) override {
    ThrowIfPythonInterrupted();
    return model_->ForwardWithActivation(inputs, layer);
  }
  std::vector<std::string> layer_names() const override { return model_->layer_names(); }
  std::vector<int64_t> input_shape() const override { return model_->input_shape(); }
  torch::Dtype dtype() const override { return model_->dtype(); }
  void To(const torch::Device& device) override { model_->To(device); }
  std::string description() const override { return model_->description(); }
  bool thread_safe() const override { return model_->thread_safe(); }

 private:
  std::shared_ptr<LayeredModel> model_;
};

// InterruptibleLayeredModel for a LayeredModel, InterruptibleModel otherwise.
std::shared_ptr<Model> MakeInterruptible(std::shared_ptr<Model> model);

}  // namespace lfa
