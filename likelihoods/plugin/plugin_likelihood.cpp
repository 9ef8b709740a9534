#include "likelihoods/plugin/plugin_likelihood.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "core/error.hpp"
#include "core/signal_name.hpp"
#include "core/thread_pool.hpp"
#include "likelihoods/plugin/plugin_channel.hpp"

namespace nslab {

namespace channel = plugin_channel;

// The host process and its channel.
struct PluginLikelihood::Host {
  std::string name, path;
  pid_t pid = -1;
  int socket = -1;
  void* region = nullptr;
  std::size_t dim = 0;

  ~Host() {
    if (region) ::munmap(region, channel::kRegionBytes);
    if (socket >= 0) ::close(socket);  // the host sees the end of its requests and exits
    if (pid > 0) reap(std::chrono::seconds(2));
  }

  // Waits for the host to end (killing it after `grace`); its wait status.
  int reap(std::chrono::milliseconds grace) {
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    for (;;) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid || (done < 0 && errno != EINTR)) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid = -1;
    return status;
  }

  // The host is gone mid-conversation: say how, in one line.
  [[noreturn]] void failed(const std::string& doing) {
    ::close(socket);
    socket = -1;
    const int status = reap(std::chrono::seconds(5));
    std::string how;
    if (WIFSIGNALED(status)) {
      const int signal = WTERMSIG(status);
      how = "crashed with " + signal_name(signal) + " (signal " + std::to_string(signal) + ", " +
            strsignal(signal) + ")";
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == channel::kPluginCalledExit) {
      how = "called exit() (a plugin must return from its functions, not end the process)";
    } else if (WIFEXITED(status)) {
      how = "exited with status " + std::to_string(WEXITSTATUS(status)) +
            " (a plugin must return from its functions, not end the process)";
    } else {
      how = "stopped answering";
    }
    throw RunError("plugin " + name + " (" + path + ") " + how + " while " + doing +
                   "; the run did not finish");
  }
};

namespace {

// A descriptor >= 10, so dup2 onto the host's fixed descriptors never
// meets one of them (async-signal-safe: it runs between fork and exec).
int above_fixed(int fd) { return ::fcntl(fd, F_DUPFD_CLOEXEC, 10); }

}  // namespace

std::unique_ptr<PluginLikelihood> PluginLikelihood::load(const std::string& path, const std::string& name) {
  if (path.empty()) throw UsageError("plugin cells need --set plugin=path/libNAME.so");
  // A path without a slash would make dlopen search the library path; a user
  // naming a file means that file.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  auto host = std::make_unique<Host>();
  host->name = name;
  host->path = path;

  const int region_fd = ::memfd_create("nslab-plugin-batch", MFD_CLOEXEC);
  if (region_fd < 0 || ::ftruncate(region_fd, static_cast<off_t>(channel::kRegionBytes)) != 0)
    throw RunError(std::string("cannot make the plugin's shared memory: ") + std::strerror(errno));
  host->region = ::mmap(nullptr, channel::kRegionBytes, PROT_READ | PROT_WRITE, MAP_SHARED, region_fd, 0);
  int sockets[2] = {-1, -1};
  if (host->region == MAP_FAILED || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    const int saved = errno;
    if (host->region == MAP_FAILED) host->region = nullptr;
    ::close(region_fd);
    throw RunError(std::string("cannot make the plugin's channel: ") + std::strerror(saved));
  }
  host->socket = sockets[0];
  const int child_socket = above_fixed(sockets[1]), child_region = above_fixed(region_fd);
  ::close(sockets[1]);
  ::close(region_fd);

  // Everything the child needs is made before fork: between fork and exec
  // only async-signal-safe calls are allowed (this process has threads).
  const std::string parent = std::to_string(::getpid());
  std::string program = "nslab", marker = channel::kHostArgument, library = file, parent_pid = parent;
  char* argv[] = {program.data(), marker.data(), library.data(), parent_pid.data(), nullptr};
  host->pid = ::fork();
  if (host->pid == 0) {
    if (::dup2(child_socket, channel::kSocketFd) < 0 || ::dup2(child_region, channel::kRegionFd) < 0) ::_exit(127);
    ::execv("/proc/self/exe", argv);
    ::_exit(127);
  }
  ::close(child_socket);
  ::close(child_region);
  if (host->pid < 0) throw RunError(std::string("cannot start the plugin's process: ") + std::strerror(errno));

  std::string reply;
  if (!channel::receive_message(host->socket, reply))
    host->failed("loading (its library constructors or nslab_plugin_v1_get)");
  channel::MessageReader in(reply);
  if (in.get<std::uint8_t>() != 0) throw UsageError(in.text());
  host->dim = static_cast<std::size_t>(in.get<std::int32_t>());
  const double reference = in.get<double>();
  const auto bytes_per_replica = in.get<std::uint64_t>();
  std::vector<std::string> names;
  std::vector<ParameterPrior> priors;
  for (std::size_t i = 0; i < host->dim && in.ok(); ++i) {
    names.push_back(in.text());
    const double lower = in.get<double>(), upper = in.get<double>();
    priors.push_back(ParameterPrior::uniform(lower, upper));
  }
  if (!in.ok()) throw RunError("plugin " + name + " (" + path + "): its process sent a malformed description");
  std::unique_ptr<PluginLikelihood> likelihood(
      new PluginLikelihood(std::move(host), std::move(names), Prior(std::move(priors))));
  likelihood->bytes_per_replica_ = aligned_bytes(bytes_per_replica);
  if (!std::isnan(reference)) likelihood->reference_log_evidence_ = reference;
  return likelihood;
}

PluginLikelihood::PluginLikelihood(std::unique_ptr<Host> host, std::vector<std::string> names, Prior prior)
    : Likelihood(std::move(names), std::move(prior)), host_(std::move(host)) {}

PluginLikelihood::~PluginLikelihood() = default;

void PluginLikelihood::do_evaluate(std::span<const double> points, std::span<double> log_l,
                                   Workspace&) const {
  const std::lock_guard lock(mutex_);
  const std::size_t d = dim();
  // The host splits each piece over as many threads as nslab's own pool has.
  const std::uint64_t threads = default_thread_pool().size();
  const std::size_t capacity = channel::kRegionBytes / ((d + 1) * sizeof(double));
  double* region = static_cast<double*>(host_->region);
  for (std::size_t begin = 0; begin < log_l.size(); begin += capacity) {
    const std::size_t n = std::min(capacity, log_l.size() - begin);
    std::copy_n(points.data() + begin * d, n * d, region);
    std::string reply;
    if (!channel::send_message(host_->socket,
                               channel::MessageWriter().put<std::uint64_t>(n).put(threads).bytes()) ||
        !channel::receive_message(host_->socket, reply))
      host_->failed("evaluating a batch of " + std::to_string(n) + " points");
    std::copy_n(region + n * d, n, log_l.data() + begin);
  }
}

}  // namespace nslab
