#include "apply/reload.h"

#include <signal.h>

#include <cstring>
#include <set>

#include "apply/state_file.h"
#include "observe/broker_process.h"
#include "observe/observe.h"
#include "util/error.h"

namespace mosq::apply {
namespace {

void write_state(FileSystem& fs, const Root& root, const std::optional<observe::PendingRestart>& p) {
  update_tool_state(fs, root, [&](observe::ToolState& state) { state.pending_restart = p; });
}

// SIGHUP to the broker the pid file names, once it is shown to be the
// broker (observe::find_broker); otherwise say why nothing was sent.
bool send_sighup(const spec::Spec& spec, const FileSystem& fs, Host& host, const Root& root,
                 ApplyReport& report) {
  const HostPath pid_file = root.host_path(*spec.broker.reload.pid_file);
  const std::string path = pid_file.str();
  const observe::BrokerProcess broker = observe::find_broker(pid_file, fs, host);
  switch (broker.state) {
    case observe::BrokerState::no_pid_file:
    case observe::BrokerState::not_running:
      report.done.push_back("broker not running (" + broker.detail +
                            "): no reload needed, it reads the new files when it starts");
      return false;
    case observe::BrokerState::unusable:
    case observe::BrokerState::not_the_broker:
    case observe::BrokerState::unknown:
      report.warnings.push_back("no SIGHUP sent: " + broker.detail +
                                "; reload the broker yourself to apply the change");
      return false;
    case observe::BrokerState::running:
      break;
  }
  const int error = host.signal(*broker.pid, SIGHUP);
  if (error == ESRCH) {
    report.done.push_back("broker not running (pid " + std::to_string(*broker.pid) + " from " + path +
                          " is gone): no reload needed");
    return false;
  }
  if (error != 0) {
    throw Error("cannot send SIGHUP to pid " + std::to_string(*broker.pid) + ": " + std::strerror(error));
  }
  report.done.push_back("sent SIGHUP to the broker (pid " + std::to_string(*broker.pid) + ")");
  return true;
}

}  // namespace

std::map<std::string, std::string> hook_environment(const spec::Spec& spec, const observe::EnvLookup& env) {
  std::set<std::string> secret_names;
  for (const spec::User& user : spec.users) {
    if (user.password && user.password->kind == spec::PasswordSourceKind::env) {
      secret_names.insert(user.password->value);
    }
  }
  if (spec.tls && spec.tls->ca.passphrase_env) secret_names.insert(*spec.tls->ca.passphrase_env);
  std::map<std::string, std::string> hook_env;
  for (const char* name : {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE",
                           "LC_MESSAGES", "TZ", "TMPDIR"}) {
    if (secret_names.count(name) != 0) continue;
    if (auto value = env(name)) hook_env[name] = *value;
  }
  if (hook_env.count("PATH") == 0) hook_env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  return hook_env;
}

void notify_broker(const plan::Plan& plan, const spec::Spec& spec, FileSystem& fs, Host& host,
                   const Root& root, const observe::EnvLookup& env, ApplyReport& report) {
  const spec::Reload& hooks = spec.broker.reload;
  if (plan.restart_required()) {
    if (hooks.restart_command) {
      int status = host.run_command(*hooks.restart_command, hook_environment(spec, env));
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
      pending.since = plan.pending_restart_reasons.empty() ? host.now() : plan.pending_restart_since;
      pending.since_boot = host.boot_seconds();
      pending.boot_id = host.boot_id();
      pending.reasons = plan.pending_restart_reasons;
      for (const auto& r : plan.restart_reasons) pending.reasons.push_back(r);
      write_state(fs, root, pending);
    }
  } else {
    write_state(fs, root, std::nullopt);
  }
  if (!plan.reload_needed) {
    // A broker known not to run needs no reload: say so rather than
    // nothing (only when a change would have needed one).
    bool would_reload = false;
    for (const plan::Change& change : plan.changes) {
      would_reload = would_reload || (change.changes() && change.effect != plan::BrokerEffect::none);
    }
    if (would_reload && hooks.pid_file && !plan.restart_required()) {
      const observe::BrokerProcess broker = observe::find_broker(root.host_path(*hooks.pid_file), fs, host);
      report.done.push_back("broker not running (" + broker.detail +
                            "): no reload needed, it reads the new files when it starts");
    }
    return;
  }
  if (hooks.command) {
    int status = host.run_command(*hooks.command, hook_environment(spec, env));
    if (status != 0) {
      throw Error("reload command '" + *hooks.command + "' failed (exit " + std::to_string(status) + ")");
    }
    report.done.push_back("reloaded the broker (" + *hooks.command + ")");
    report.reloaded = true;
  } else if (hooks.pid_file) {
    report.reloaded = send_sighup(spec, fs, host, root, report);
  } else {
    report.warnings.push_back("the broker must reload (SIGHUP) to see the change, and "
                              "broker.reload is unset");
  }
}

}  // namespace mosq::apply
