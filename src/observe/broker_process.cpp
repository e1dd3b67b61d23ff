#include "observe/broker_process.h"

#include <climits>

#include "observe/observe.h"
#include "observe/read_limits.h"
#include "observe/tool_state.h"
#include "util/error.h"

namespace mosq::observe {
namespace {

// A pid file is a few bytes; anything bigger is not one.
constexpr std::size_t k_max_pid_file_bytes = 64;

// A process started this long after the pid file was written is taken
// for the writer still: /proc start times count clock ticks (10 ms) and
// the boot clock is turned into wall time, each with a little error.
constexpr double k_start_slack_seconds = 1.0;

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_mosquitto(const ProcessInfo& info) {
  return info.comm == "mosquitto" || base_name(info.exe) == "mosquitto";
}

}  // namespace

std::optional<pid_t> parse_pid(const std::string& text, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<pid_t> {
    if (why) *why = reason;
    return std::nullopt;
  };
  std::string digits = text;
  if (!digits.empty() && digits.back() == '\n') digits.pop_back();
  if (digits.empty()) return fail("it is empty");
  if (digits.size() > 10) return fail("it is not a process id (too long)");
  long long value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return fail("it is not a process id (only digits and one newline may be there)");
    value = value * 10 + (c - '0');
  }
  if (value > INT_MAX) return fail("process id " + digits + " is out of range");
  if (value <= 1) return fail("process id " + digits + " cannot be the broker's");
  return static_cast<pid_t>(value);
}

BrokerProcess find_broker(const HostPath& pid_file, const FileSystem& fs, const Host& host) {
  BrokerProcess found;
  const std::string pid_file_host_path = pid_file.str();
  // An input: a link is followed, inside the root.
  const FileInfo info = fs.stat(pid_file, LastLink::followed);
  if (!info.exists()) {
    found.state = BrokerState::no_pid_file;
    found.detail = "no pid file " + pid_file_host_path;
    return found;
  }
  auto unusable = [&](const std::string& why) {
    found.state = BrokerState::unusable;
    found.detail = "pid file " + pid_file_host_path + " is unusable: " + why;
    return found;
  };
  if (info.kind != FileKind::regular) return unusable("not a regular file");
  if (static_cast<std::size_t>(info.size) > k_max_pid_file_bytes) return unusable("too big for a pid file");
  const ReadResult text = fs.read(pid_file, k_max_pid_file_bytes, LastLink::followed);
  if (text.status == ReadStatus::missing) {
    found.state = BrokerState::no_pid_file;
    found.detail = "no pid file " + pid_file_host_path;
    return found;
  }
  if (text.status != ReadStatus::ok) return unusable(text.error);
  if (text.content.size() > k_max_pid_file_bytes) return unusable("too big for a pid file");
  std::string why;
  found.pid = parse_pid(text.content, &why);
  if (!found.pid) return unusable(why);
  const std::string pid_text = "pid " + std::to_string(*found.pid);
  const auto process = host.process(*found.pid);
  if (!process || process->zombie) {
    found.state = BrokerState::not_running;
    found.detail = pid_text + " from " + pid_file_host_path + " is gone (stale pid file)";
    return found;
  }
  if (!is_mosquitto(*process)) {
    found.state = BrokerState::not_the_broker;
    found.detail = pid_text + " from " + pid_file_host_path + " is '" + process->comm + "', not mosquitto";
    return found;
  }
  // Wall-clock time the process started.
  const double started = static_cast<double>(host.now()) - (host.boot_seconds() - process->start_boot_seconds);
  const double written = static_cast<double>(info.mtime.tv_sec) + static_cast<double>(info.mtime.tv_nsec) / 1e9;
  if (started > written + k_start_slack_seconds) {
    found.state = BrokerState::not_the_broker;
    found.detail = pid_text + " from " + pid_file_host_path +
                   " started after the pid file was written: the id now belongs to another process";
    return found;
  }
  found.state = BrokerState::running;
  found.started_boot_seconds = process->start_boot_seconds;
  found.detail = "the broker runs as " + pid_text;
  return found;
}

ObservedBroker observe_broker_process(const spec::Spec& spec, const FileSystem& fs, const Host& host,
                                      const ToolState& recorded, const Root& root) {
  ObservedBroker broker;
  if (spec.broker.reload.pid_file) {
    broker.pid_file_configured = true;
    broker.process = find_broker(root.host_path(*spec.broker.reload.pid_file), fs, host);
  }
  const auto& pending = recorded.pending_restart;
  if (!pending) return broker;
  // Done once the broker has stopped (it reads the new config when it
  // starts) or has started since the restart was asked for.
  const bool stopped = broker.pid_file_configured && (broker.process.state == BrokerState::no_pid_file ||
                                                      broker.process.state == BrokerState::not_running);
  const bool rebooted = pending->boot_id != host.boot_id();
  const bool restarted = rebooted || (broker.process.started_boot_seconds &&
                                      *broker.process.started_boot_seconds > pending->since_boot);
  if (!stopped && !restarted) broker.pending_restart = pending;
  return broker;
}

}  // namespace mosq::observe
