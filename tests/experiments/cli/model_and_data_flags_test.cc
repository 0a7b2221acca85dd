// explain, choose and bench declare their model-and-data flags once (AddModelAndDataOptions): the
// same flags read the same in every command's help, and every --seed refuses a wrapped value.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "experiments/cli/bench_command.h"
#include "experiments/cli/explain_command.h"
#include "experiments/studies/choose/choose_command.h"

namespace lfa {
namespace {

std::unique_ptr<CLI::App> AppOf(Command& command) {
  auto app = std::make_unique<CLI::App>(command.description(), command.name());
  command.AddOptions(*app);
  return app;
}

TEST(ModelAndDataFlags, ReadTheSameInExplainChooseAndBench) {
  auto explain = MakeExplainCommand(), choose = MakeChooseCommand(), bench = MakeBenchCommand();
  auto explain_app = AppOf(*explain), choose_app = AppOf(*choose), bench_app = AppOf(*bench);
  for (const std::string flag : {"--data", "--rows", "--label-column", "--cache-dir", "--device"}) {
    const std::string help = explain_app->get_option(flag)->get_description();
    EXPECT_EQ(choose_app->get_option(flag)->get_description(), help) << flag;
    // bench adds its defaults to the same text.
    EXPECT_EQ(bench_app->get_option(flag)->get_description().rfind(help, 0), 0u) << flag;
  }
  for (const std::string flag : {"--input-shape", "--pixel-scale"})
    EXPECT_EQ(choose_app->get_option(flag)->get_description(),
              explain_app->get_option(flag)->get_description())
        << flag;
  EXPECT_NE(choose_app->get_option_no_throw("--activations"), nullptr);
  EXPECT_EQ(explain_app->get_option_no_throw("--activations"), nullptr);
  EXPECT_TRUE(explain_app->get_option("--model")->get_required());
  EXPECT_TRUE(choose_app->get_option("--data")->get_required());
  EXPECT_FALSE(bench_app->get_option("--model")->get_required());
  EXPECT_FALSE(bench_app->get_option("--data")->get_required());
}

TEST(ModelAndDataFlags, EverySeedFlagRefusesAWrappedValue) {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(MakeExplainCommand());
  commands.push_back(MakeChooseCommand());
  for (const auto& command : commands) {
    auto app = AppOf(*command);
    EXPECT_THROW(app->parse(std::vector<std::string>{"-1", "--seed", "d", "--data", "m",
                                                     "--model"}),
                 CLI::ValidationError)
        << command->name();
  }
}

}  // namespace
}  // namespace lfa
