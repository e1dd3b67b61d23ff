// A Host for unit tests: the clocks are fields, processes are a table the
// test fills, and signals and hook commands are recorded instead of sent.
#pragma once

#include <cerrno>
#include <ctime>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/host.h"

namespace mosq::test {

class FakeHost : public Host {
 public:
  struct CommandRun {
    std::string command;
    std::map<std::string, std::string> environment;
  };

  // The wall clock starts at the real time, so files the test writes
  // (pid files, their mtimes) line up with it.
  std::int64_t wall = static_cast<std::int64_t>(std::time(nullptr));
  double boot = 100000.0;
  std::string boot_id_value = "fake-boot";
  std::map<pid_t, ProcessInfo> processes;
  std::vector<std::pair<pid_t, int>> signals;
  std::vector<CommandRun> commands;
  int command_status = 0;
  unsigned cpus = 4;  // usable_cpus(): more than the test machine has, to exercise the pool

  // A process named `comm` that started `seconds_ago` (on the boot clock).
  void add_process(pid_t pid, std::string comm, double seconds_ago = 100.0, std::string exe = "") {
    ProcessInfo info;
    info.comm = std::move(comm);
    info.exe = std::move(exe);
    info.start_boot_seconds = boot - seconds_ago;
    processes[pid] = info;
  }

  std::int64_t now() const override { return wall; }
  double boot_seconds() const override { return boot; }
  std::string boot_id() const override { return boot_id_value; }
  unsigned usable_cpus() const override { return cpus; }
  std::optional<ProcessInfo> process(pid_t pid) const override {
    auto it = processes.find(pid);
    if (it == processes.end()) return std::nullopt;
    return it->second;
  }
  int signal(pid_t pid, int signal_number) override {
    if (processes.count(pid) == 0) return ESRCH;
    signals.emplace_back(pid, signal_number);
    return 0;
  }
  int run_command(const std::string& command,
                  const std::map<std::string, std::string>& environment) override {
    commands.push_back(CommandRun{command, environment});
    return command_status;
  }
};

}  // namespace mosq::test
