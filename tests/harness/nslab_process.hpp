#pragma once
// Runs the nslab binary of this build as a child process, for tests of the
// command line: exit codes, files written, and runs killed part-way.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace nslab::testing {

inline std::string nslab_binary() { return std::string(NSLAB_BINARY_DIR) + "/nslab"; }

// Starts nslab with `arguments` (stdout and stderr to `log`); returns the pid.
inline pid_t start_nslab(const std::vector<std::string>& arguments, const std::string& log = "/dev/null") {
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out) dup2(fileno(stdout), STDERR_FILENO);
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

}  // namespace nslab::testing
