#include "util/host.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/parallel_for.h"

namespace mosq {
namespace {

std::string read_small(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text, '\0');
  return text;
}

class RealHost : public Host {
 public:
  std::int64_t now() const override { return static_cast<std::int64_t>(std::time(nullptr)); }

  double boot_seconds() const override {
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }

  std::string boot_id() const override {
    std::string id = read_small("/proc/sys/kernel/random/boot_id");
    while (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
  }

  unsigned usable_cpus() const override { return allowed_cpu_count(); }

  std::optional<ProcessInfo> process(pid_t pid) const override {
    if (pid <= 0) return std::nullopt;
    const std::string dir = "/proc/" + std::to_string(pid);
    const std::string stat = read_small(dir + "/stat");
    // "pid (comm) state ppid ...": comm may hold anything, so parse after
    // the last ')'; starttime is field 22, in clock ticks since boot.
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return std::nullopt;
    std::istringstream fields(stat.substr(close + 2));
    ProcessInfo info;
    std::string field;
    for (int i = 3; i <= 22; ++i) {
      if (!(fields >> field)) return std::nullopt;
      if (i == 3) info.zombie = field == "Z" || field == "X";
    }
    const long hz = ::sysconf(_SC_CLK_TCK);
    try {
      info.start_boot_seconds = static_cast<double>(std::stoll(field)) / static_cast<double>(hz > 0 ? hz : 100);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    info.comm = read_small(dir + "/comm");
    while (!info.comm.empty() && info.comm.back() == '\n') info.comm.pop_back();
    char target[PATH_MAX];
    const ssize_t n = ::readlink((dir + "/exe").c_str(), target, sizeof target - 1);
    if (n > 0) {
      info.exe.assign(target, static_cast<std::size_t>(n));
      const std::string deleted = " (deleted)";  // the package was upgraded under it
      if (info.exe.size() > deleted.size() &&
          info.exe.compare(info.exe.size() - deleted.size(), deleted.size(), deleted) == 0) {
        info.exe.resize(info.exe.size() - deleted.size());
      }
    }
    return info;
  }

  int signal(pid_t pid, int signal_number) override {
    return ::kill(pid, signal_number) == 0 ? 0 : errno;
  }

  int run_command(const std::string& command,
                  const std::map<std::string, std::string>& environment) override {
    std::vector<std::string> env_strings;
    for (const auto& [name, value] : environment) env_strings.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& entry : env_strings) envp.push_back(entry.data());
    envp.push_back(nullptr);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    if (::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), envp.data()) != 0) {
      return -1;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

}  // namespace

Host& real_host() {
  static RealHost host;
  return host;
}

}  // namespace mosq
