#include "apply/reload.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include "observe/broker_process.h"
#include "observe/observe.h"
#include "util/error.h"

extern char** environ;

namespace mosq::apply {
namespace {

void write_state(FileSystem& fs, const Root& root, const std::optional<observe::PendingRestart>& p) {
  const std::string path = root.host_path(observe::k_state_file);
  const std::string text = observe::render_state(p);
  ReadResult current = fs.read(path);
  if (current.status == ReadStatus::ok && current.content == text) return;
  if (current.status == ReadStatus::missing && !p) return;
  fs.create_directories(parent_path(path), 0755);
  fs.write_atomic(path, text, FilePolicy{0644, std::nullopt, std::nullopt});
}

bool send_sighup(const spec::Spec& spec, FileSystem& fs, const Root& root, ApplyReport& report) {
  const std::string path = root.host_path(*spec.broker.reload.pid_file);
  ReadResult pid_text = fs.read(path);
  if (pid_text.status != ReadStatus::ok) {
    report.done.push_back("broker not running (no pid file " + path + "): nothing to reload");
    return false;
  }
  const std::optional<pid_t> pid = observe::parse_pid(pid_text.content);
  if (!pid) throw Error(path + ": does not hold a usable process id");
  if (::kill(*pid, SIGHUP) != 0) {
    if (errno == ESRCH) {
      report.done.push_back("broker not running (pid " + std::to_string(*pid) +
                            " from " + path + " is gone): nothing to reload");
      return false;
    }
    throw Error("cannot send SIGHUP to pid " + std::to_string(*pid) + ": " + std::strerror(errno));
  }
  report.done.push_back("sent SIGHUP to the broker (pid " + std::to_string(*pid) + ")");
  return true;
}

}  // namespace

int run_command(const std::string& command) {
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  if (::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) !=
      0) {
    return -1;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void notify_broker(const plan::Plan& plan, const spec::Spec& spec, FileSystem& fs,
                   const Root& root, ApplyReport& report) {
  const spec::Reload& hooks = spec.broker.reload;
  if (plan.restart_required()) {
    if (hooks.restart_command) {
      int status = run_command(*hooks.restart_command);
      if (status != 0) {
        throw Error("restart_command '" + *hooks.restart_command + "' failed (exit " +
                    std::to_string(status) + "); the files are written, run it again by hand");
      }
      report.done.push_back("restarted the broker (" + *hooks.restart_command + ")");
      report.restarted = true;
      write_state(fs, root, std::nullopt);
      return;
    }
    report.warnings.push_back(
        "restart required and broker.reload.restart_command is unset: restart the broker "
        "yourself; SIGHUP does not apply listener or cafile changes");
    if (hooks.pid_file && !plan.restart_reasons.empty()) {
      // Keep the earliest request; add what this run asks for. (A request
      // still pending with nothing new is already recorded as it is.)
      observe::PendingRestart pending;
      // Real time, not --now: it is compared with the broker's start time.
      pending.since = plan.pending_restart_reasons.empty()
                          ? static_cast<std::int64_t>(std::time(nullptr))
                          : plan.pending_restart_since;
      pending.since_boot = observe::boot_clock_seconds();
      pending.boot_id = observe::current_boot_id();
      pending.reasons = plan.pending_restart_reasons;
      for (const auto& r : plan.restart_reasons) pending.reasons.push_back(r);
      write_state(fs, root, pending);
    }
  } else {
    write_state(fs, root, std::nullopt);
  }
  if (!plan.reload_needed) return;
  if (hooks.command) {
    int status = run_command(*hooks.command);
    if (status != 0) {
      throw Error("reload command '" + *hooks.command + "' failed (exit " +
                  std::to_string(status) + ")");
    }
    report.done.push_back("reloaded the broker (" + *hooks.command + ")");
    report.reloaded = true;
  } else if (hooks.pid_file) {
    report.reloaded = send_sighup(spec, fs, root, report);
  } else {
    report.warnings.push_back("the broker must reload (SIGHUP) to see the change, and "
                              "broker.reload is unset");
  }
}

}  // namespace mosq::apply
