#include "framework/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace lfa {
namespace {

// Process-wide by nature: a signal belongs to the process. Only lock-free atomics and plain
// arrays are touched by the handler.
std::atomic<int> received_signal{0};
std::atomic<pid_t> child_process{0};

constexpr int kSlots = 64;
constexpr size_t kPathBytes = 4096;
enum SlotState : int { kFree = 0, kFilling = 1, kReady = 2 };

struct TemporarySlot {
  std::atomic<int> state{kFree};
  std::atomic<uint64_t> order{0};
  bool directory = false;
  char path[kPathBytes] = {};
};
TemporarySlot slots[kSlots];
std::atomic<uint64_t> next_order{1};

void RemoveTemporaries() {
  for (TemporarySlot& slot : slots)
    if (slot.state.load() == kReady && !slot.directory) ::unlink(slot.path);
  // Directories newest first: a nested directory goes before its parent.
  for (;;) {
    TemporarySlot* newest = nullptr;
    for (TemporarySlot& slot : slots)
      if (slot.state.load() == kReady && slot.directory &&
          (newest == nullptr || slot.order.load() > newest->order.load()))
        newest = &slot;
    if (newest == nullptr) break;
    ::rmdir(newest->path);
    newest->state.store(kFree);
  }
}

extern "C" void HandleInterrupt(int signal) {
  int none = 0;
  if (received_signal.compare_exchange_strong(none, signal)) return;  // the first: let code unwind
  const pid_t child = child_process.load();
  if (child > 0) ::kill(child, SIGTERM);
  RemoveTemporaries();
  static const char kMessage[] = "lfa: interrupted again: stopped at once\n";
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  ::_exit(128 + signal);
}

}  // namespace

Interrupted::Interrupted(int signal)
    : std::runtime_error("interrupted by " + SignalName(signal)), signal_(signal) {}

void InstallInterruptHandlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = HandleInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR and the caller polls
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

int InterruptSignal() { return received_signal.load(); }

void ThrowIfInterrupted() {
  if (const int signal = received_signal.load(); signal != 0) throw Interrupted(signal);
}

void RequestInterrupt(int signal) { received_signal.store(signal); }

std::string SignalName(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  std::string name = "signal ";
  name += std::to_string(signal);
  return name;
}

void RegisterTemporary(const std::string& path, bool directory) {
  if (path.size() >= kPathBytes) return;
  for (TemporarySlot& slot : slots) {
    int expected = kFree;
    if (!slot.state.compare_exchange_strong(expected, kFilling)) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    slot.directory = directory;
    slot.order.store(next_order++);
    slot.state.store(kReady);
    return;
  }
}

void UnregisterTemporary(const std::string& path) {
  for (TemporarySlot& slot : slots) {
    if (slot.state.load() == kReady && path == slot.path) {
      slot.state.store(kFree);
      return;
    }
  }
}

void RegisterChildProcess(pid_t pid) { child_process.store(pid); }

}  // namespace lfa
