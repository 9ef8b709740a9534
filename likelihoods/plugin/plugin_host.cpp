// The process a plugin runs in. nslab starts it (plugin_likelihood.cpp), it
// loads the library, checks the description and sends it back, then
// evaluates each batch nslab puts in the shared region until the socket
// closes. Whatever the plugin does to this process -- a segfault, abort(),
// exit(0), a crash in its constructor -- nslab sees as this process ending,
// and reports; the run's own state is never touched.
#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "core/thread_pool.hpp"
#include "likelihoods/plugin/nslab_plugin_v1.h"
#include "likelihoods/plugin/plugin_channel.hpp"

namespace nslab::plugin_channel {

namespace {

// The description of a loaded plugin, or why it is refused (the same
// checks for every plugin: nslab builds the likelihood from this).
std::string describe(const std::string& path, void* handle) {
  auto refuse = [&](const std::string& why) {
    return MessageWriter().put<std::uint8_t>(1).put("plugin " + path + " refused: " + why).bytes();
  };
  using Getter = const nslab_plugin_v1* (*)();
  auto get = reinterpret_cast<Getter>(dlsym(handle, "nslab_plugin_v1_get"));
  if (get == nullptr) return refuse("it does not export nslab_plugin_v1_get");
  const nslab_plugin_v1* plugin = get();
  if (plugin == nullptr) return refuse("nslab_plugin_v1_get returned NULL");
  if (plugin->abi_version != 1)
    return refuse("abi_version " + std::to_string(plugin->abi_version) + ", this nslab speaks 1");
  if (plugin->dim < 1 || plugin->dim > 10000) return refuse("dim " + std::to_string(plugin->dim));
  if (!plugin->parameter_names || !plugin->lower || !plugin->upper || !plugin->log_likelihood)
    return refuse("a NULL pointer in its description");
  MessageWriter ok;
  ok.put<std::uint8_t>(0).put<std::int32_t>(plugin->dim).put(plugin->reference_log_evidence);
  ok.put<std::uint64_t>(plugin->bytes_per_replica);
  for (int i = 0; i < plugin->dim; ++i) {
    if (plugin->parameter_names[i] == nullptr) return refuse("parameter " + std::to_string(i) + " has no name");
    if (!(std::isfinite(plugin->lower[i]) && std::isfinite(plugin->upper[i]) &&
          plugin->lower[i] < plugin->upper[i]))
      return refuse("parameter " + std::string(plugin->parameter_names[i]) + " has bounds [" +
                    std::to_string(plugin->lower[i]) + ", " + std::to_string(plugin->upper[i]) + "]");
    ok.put(std::string(plugin->parameter_names[i])).put(plugin->lower[i]).put(plugin->upper[i]);
  }
  return ok.bytes();
}

}  // namespace

namespace {

// Serves nslab until it closes the socket; the host's exit status.
int serve(const std::string& path) {
  void* region = ::mmap(nullptr, kRegionBytes, PROT_READ | PROT_WRITE, MAP_SHARED, kRegionFd, 0);
  if (region == MAP_FAILED) return 1;

  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const std::string why = dlerror();
    send_message(kSocketFd, MessageWriter().put<std::uint8_t>(1).put("cannot load plugin " + path + ": " + why).bytes());
    return 0;
  }
  const std::string description = describe(path, handle);
  if (!send_message(kSocketFd, description) || description[0] != 0) return 0;
  const auto plugin = reinterpret_cast<const nslab_plugin_v1* (*)()>(dlsym(handle, "nslab_plugin_v1_get"))();
  const std::size_t d = static_cast<std::size_t>(plugin->dim);

  std::unique_ptr<ThreadPool> pool;
  for (std::string request; receive_message(kSocketFd, request);) {
    MessageReader in(request);
    const auto n = in.get<std::uint64_t>(), threads = in.get<std::uint64_t>();
    if (!in.ok() || n * (d + 1) * sizeof(double) > kRegionBytes || threads < 1) return 1;
    if (!pool || pool->size() != threads) pool = std::make_unique<ThreadPool>(threads);
    const double* points = static_cast<const double*>(region);
    double* log_l = static_cast<double*>(region) + n * d;
    // The plugin promises thread safety: split the batch in contiguous parts
    // (a point's value cannot depend on which part it is in).
    const std::size_t parts = std::min<std::size_t>(pool->size(), n);
    pool->parallel_for(parts, [&](std::size_t part) {
      const std::size_t begin = n * part / parts, end = n * (part + 1) / parts;
      plugin->log_likelihood(points + begin * d, static_cast<int>(end - begin), log_l + begin);
    });
    if (!send_message(kSocketFd, MessageWriter().put<std::uint64_t>(n).bytes())) return 0;
  }
  dlclose(handle);  // the plugin's destructors run, as they did in-process
  return 0;
}

}  // namespace

void plugin_host_main(int argc, char** argv) {
  // nslab handles Ctrl-C and SIGTERM (it stops between calls); this process
  // ends when nslab closes the socket, or with it if nslab is killed.
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_IGN);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (argc != 4 || std::to_string(::getppid()) != argv[3]) ::_exit(1);  // nslab is gone already
  // Every other way out is _exit, so this runs only when the plugin calls
  // exit(): say so with the host's status.
  std::atexit([] { ::_exit(kPluginCalledExit); });
  ::_exit(serve(argv[2]));
}

}  // namespace nslab::plugin_channel
