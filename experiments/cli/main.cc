// The `lfa` program: the user's front door, a list of commands (experiments/command/program.h).
// Each command declares its own flags in its own file; adding one is one line here.
// Errors print one line on stderr ("lfa: error: ...") and exit non-zero: 2 for bad input (a flag,
// a file, a spec key), 1 for anything else. --help on any command lists its options.
#include "experiments/cli/bench_command.h"
#include "experiments/cli/demo_command.h"
#include "experiments/cli/explain_command.h"
#include "experiments/cli/info_command.h"
#include "experiments/cli/zoo_export_command.h"
#include "experiments/command/program.h"
#include "experiments/studies/choose/choose_command.h"
#include "experiments/studies/images/images_command.h"
#include "experiments/studies/localisation/localisation_command.h"
#include "experiments/studies/paper/paper_command.h"
#include "experiments/studies/roar/roar_command.h"

int main(int argc, char** argv) {
  using namespace lfa;
  Program program("lfa: post-hoc explanations as local function approximations");
  program.Add(MakeExplainCommand());
  program.Add(MakeBenchCommand());
  program.Add(MakeDemoCommand());
  program.Add(MakeInfoCommand());
  program.Add(MakeChooseCommand());
  const std::string reproduce = "reproduce a paper's experiments";
  program.Add("reproduce", reproduce, MakeReproducePaperCommand());
  const std::string study = "run a study: tables, plots and a report";
  program.Add("study", study, MakeImageStudyCommand());
  program.Add("study", study, MakeLocalisationStudyCommand());
  program.Add("study", study, MakeRoarStudyCommand());
  program.Add("zoo", "the model zoo: export its networks", MakeZooExportCommand());
  return program.Main(argc, argv);
}
