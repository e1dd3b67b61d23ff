#include "observe/broker_process.h"

#include "observe/observe.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mosq::observe {
namespace {

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Start time of a process in seconds since boot: field 22 of
// /proc/PID/stat, in clock ticks.
std::optional<double> process_start_boot_seconds(pid_t pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat_text((std::istreambuf_iterator<char>(stat_file)), {});
  auto close = stat_text.rfind(')');
  if (close == std::string::npos || close + 2 > stat_text.size()) return std::nullopt;
  std::istringstream fields(stat_text.substr(close + 2));
  std::string field;
  // After "pid (comm) ", field 3 (state) comes first; starttime is field 22.
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return std::nullopt;
  }
  long hz = ::sysconf(_SC_CLK_TCK);
  if (hz <= 0) return std::nullopt;
  try {
    return static_cast<double>(std::stoll(field)) / static_cast<double>(hz);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<pid_t> parse_pid(const std::string& text) {
  try {
    long value = std::stol(text);
    if (value <= 1) return std::nullopt;
    return static_cast<pid_t>(value);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

double boot_clock_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string current_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string render_state(const std::optional<PendingRestart>& pending) {
  nlohmann::json state = {{"format_version", 1}};
  if (pending) {
    state["pending_restart"] = {{"since", pending->since},
                                {"since_boot", pending->since_boot},
                                {"boot_id", pending->boot_id},
                                {"reasons", pending->reasons}};
  }
  return state.dump(2) + "\n";
}

std::optional<PendingRestart> parse_state(const std::string& text) {
  auto state = nlohmann::json::parse(text, nullptr, false);
  if (state.is_discarded() || !state.is_object() || !state.contains("pending_restart")) {
    return std::nullopt;
  }
  const auto& p = state["pending_restart"];
  PendingRestart pending;
  if (p.contains("since") && p["since"].is_number_integer()) pending.since = p["since"];
  if (p.contains("since_boot") && p["since_boot"].is_number()) pending.since_boot = p["since_boot"];
  if (p.contains("boot_id") && p["boot_id"].is_string()) pending.boot_id = p["boot_id"];
  if (p.contains("reasons") && p["reasons"].is_array()) {
    for (const auto& r : p["reasons"]) {
      if (r.is_string()) pending.reasons.push_back(r.get<std::string>());
    }
  }
  return pending;
}

ObservedBroker observe_broker_process(const spec::Spec& spec, const FileSystem& fs,
                                      const Root& root) {
  ObservedBroker broker;
  if (spec.broker.reload.pid_file) {
    broker.pid_file_configured = true;
    ReadResult pid_text = fs.read(root.host_path(*spec.broker.reload.pid_file));
    if (pid_text.status == ReadStatus::ok) {
      auto pid = parse_pid(pid_text.content);
      if (pid && process_alive(*pid)) {
        broker.pid = pid;
        broker.started_boot_seconds = process_start_boot_seconds(*pid);
      }
    }
  }
  ReadResult state = fs.read(root.host_path(k_state_file));
  if (state.status != ReadStatus::ok) return broker;
  auto pending = parse_state(state.content);
  if (!pending) return broker;
  // Done once the broker has stopped (it reads the new config when it
  // starts) or has started since the restart was asked for.
  const bool stopped = broker.pid_file_configured && !broker.pid;
  const bool rebooted = pending->boot_id != current_boot_id();
  const bool restarted =
      rebooted || (broker.started_boot_seconds && *broker.started_boot_seconds > pending->since_boot);
  if (!stopped && !restarted) broker.pending_restart = pending;
  return broker;
}

}  // namespace mosq::observe
