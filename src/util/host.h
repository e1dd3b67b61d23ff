// The one seam for what the tool asks of the host besides files: the
// clocks, other processes (look up, signal) and hook commands. observe/
// and apply/ call these only through a Host, so the pid-file and restart
// rules are unit-tested with a fake that records signals and commands
// instead of touching real processes (as ninja's CommandRunner does).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mosq {

// A live process as /proc shows it.
struct ProcessInfo {
  std::string comm;        // /proc/PID/comm ("mosquitto")
  std::string exe;         // /proc/PID/exe's target ("" when unreadable), " (deleted)" removed
  double start_boot_seconds = 0;  // when it started, on the boot clock
  bool zombie = false;
};

class Host {
 public:
  virtual ~Host() = default;

  // Wall clock, unix seconds / nanoseconds.
  virtual std::int64_t now() const = 0;
  // Seconds since boot (CLOCK_BOOTTIME: what /proc start times count) and
  // this boot's id.
  virtual double boot_seconds() const = 0;
  virtual std::string boot_id() const = 0;

  // How many processors this run may use (its affinity mask: taskset and
  // cpusets narrow it), at least 1: the size of the verification pool.
  virtual unsigned usable_cpus() const = 0;

  // The process, or nullopt when there is none with that id.
  virtual std::optional<ProcessInfo> process(pid_t pid) const = 0;
  // kill(pid, signal): 0, or the errno.
  virtual int signal(pid_t pid, int signal_number) = 0;
  // /bin/sh -c command with exactly `environment` (nothing inherited);
  // its exit status, or -1 when it could not run or was killed.
  virtual int run_command(const std::string& command,
                          const std::map<std::string, std::string>& environment) = 0;
};

// The machine this process runs on.
Host& real_host();

}  // namespace mosq
