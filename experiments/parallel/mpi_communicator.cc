#include "experiments/parallel/mpi_communicator.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <string>
#include <vector>

#include <mpi.h>

#include "framework/errors.h"

namespace lfa {
namespace {

constexpr int kGatherTag = 7301;

// Every rank knows the size of a broadcast, so all of them throw alike. A gather's sizes are known
// to their senders only: one that is too large ends the job (the receiver would wait forever).
int MessageSize(size_t bytes, const char* what, bool abort_on_overflow) {
  if (bytes <= static_cast<size_t>(INT_MAX)) return static_cast<int>(bytes);
  std::string message = what;
  message += ": a rank's buffer of ";
  message += std::to_string(bytes);
  message += " bytes exceeds MPI's message limit of 2^31 - 1 bytes; give each rank fewer units";
  if (!abort_on_overflow) throw InvalidInput(message);
  std::fprintf(stderr, "lfa: error: %s\n", message.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  return 0;
}

// How long a waiting rank sleeps between two polls, at most: small beside the seconds a shard
// takes, large enough that a waiting rank costs no CPU time.
constexpr std::chrono::microseconds kLongestPause{2000};

// Open MPI's blocking calls wait in a busy loop. A rank that finished its shard early would then
// take a core from the ranks still computing (on a node whose cores are all busy, it slows the
// job down by as much as it waits). These waits poll instead, sleeping between polls.
template <typename Poll>
void WaitWithoutSpinning(Poll done) {
  std::chrono::microseconds pause{10};
  while (!done()) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, kLongestPause);
  }
}

void Wait(MPI_Request* request) {
  WaitWithoutSpinning([&] {
    int finished = 0;
    MPI_Test(request, &finished, MPI_STATUS_IGNORE);
    return finished != 0;
  });
}

std::string Description() {
  std::string description = "MPI (";
  description += MpiLibraryVersion();
  description += ")";
  return description;
}

}  // namespace

std::string MpiLibraryVersion() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  const std::string text(version, static_cast<size_t>(length));
  return text.substr(0, text.find_first_of(",\n"));
}

bool StartMpi(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) return false;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  return true;
}

void StopMpi() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

MpiCommunicator::MpiCommunicator() : description_(Description()) {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
}

void MpiCommunicator::Barrier() {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  Wait(&request);
}

std::vector<std::string> MpiCommunicator::GatherBytes(const std::string& bytes) {
  const int count = MessageSize(bytes.size(), "gather", /*abort_on_overflow=*/true);
  if (rank_ != 0) {
    MPI_Request request;
    MPI_Isend(bytes.data(), count, MPI_BYTE, 0, kGatherTag, MPI_COMM_WORLD, &request);
    Wait(&request);
    return {};
  }
  std::vector<std::string> parts(static_cast<size_t>(size_));
  parts[0] = bytes;
  for (int source = 1; source < size_; ++source) {
    MPI_Status status;
    WaitWithoutSpinning([&] {
      int arrived = 0;
      MPI_Iprobe(source, kGatherTag, MPI_COMM_WORLD, &arrived, &status);
      return arrived != 0;
    });
    int received = 0;
    MPI_Get_count(&status, MPI_BYTE, &received);
    parts[source].resize(static_cast<size_t>(received));
    MPI_Recv(parts[source].data(), received, MPI_BYTE, source, kGatherTag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
  }
  return parts;
}

std::string MpiCommunicator::BroadcastBytes(const std::string& bytes) {
  int64_t length = rank_ == 0 ? static_cast<int64_t>(bytes.size()) : 0;
  MPI_Request request;
  MPI_Ibcast(&length, 1, MPI_INT64_T, 0, MPI_COMM_WORLD, &request);
  Wait(&request);
  const int count = MessageSize(static_cast<size_t>(length), "broadcast", false);
  std::string result = rank_ == 0 ? bytes : std::string(static_cast<size_t>(length), '\0');
  MPI_Ibcast(result.data(), count, MPI_BYTE, 0, MPI_COMM_WORLD, &request);
  Wait(&request);
  return result;
}

void MpiCommunicator::Abort(int exit_code) {
  std::fflush(nullptr);
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);  // MPI_Abort does not return; this keeps [[noreturn]] honest
}

}  // namespace lfa
