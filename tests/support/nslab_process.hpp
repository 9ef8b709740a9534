#pragma once
// Runs the nslab binary of this build as a child process, for tests of the
// command line: exit codes, files written, and runs killed part-way.
// NSLAB_TEST_BINARY=/path/to/nslab runs the same tests against another
// build (e.g. the commit before a change, to see a new test fail there).
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nslab::testing {

inline std::string nslab_binary() {
  if (const char* other = std::getenv("NSLAB_TEST_BINARY"); other && *other) return other;
  return std::string(NSLAB_BINARY_DIR) + "/nslab";
}

// How the child runs besides its arguments.
struct ChildLimits {
  uid_t user = 0;                 // 0: as the test runs; else setuid to this user first
  std::size_t address_space = 0;  // 0: unlimited; else RLIMIT_AS [bytes]
};

// Starts nslab with `arguments` (stdout and stderr to `log`); returns the pid.
inline pid_t start_nslab(const std::vector<std::string>& arguments, const std::string& log = "/dev/null",
                         const ChildLimits& limits = {}) {
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out) dup2(fileno(stdout), STDERR_FILENO);
    if (limits.address_space > 0) {
      const rlimit limit{limits.address_space, limits.address_space};
      setrlimit(RLIMIT_AS, &limit);
    }
    if (limits.user != 0 && (setgid(limits.user) != 0 || setuid(limits.user) != 0)) _exit(126);
    std::vector<char*> argv;
    std::string binary = nslab_binary();
    argv.push_back(binary.data());
    std::vector<std::string> copies = arguments;
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline int run_nslab(const std::vector<std::string>& arguments, const std::string& log = "/dev/null") {
  return wait_exit_code(start_nslab(arguments, log));
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A finished run: its exit code and everything it printed.
struct Finished {
  int status = -1;
  std::string output;
};

inline Finished finish(pid_t pid, const std::string& log) {
  Finished done;
  done.status = wait_exit_code(pid);
  done.output = read_text(log);
  return done;
}

inline Finished run_nslab_printing(const std::vector<std::string>& arguments, const std::string& log,
                                   const ChildLimits& limits = {}) {
  return finish(start_nslab(arguments, log, limits), log);
}

}  // namespace nslab::testing
