// Tells the running broker about the change: SIGHUP to the pid file's
// process or a reload command; the restart command for what SIGHUP cannot
// apply (listeners, cafile). A restart that cannot be done is recorded in
// the state file so the next plan still shows it until it has happened.
// Every process, signal, command and clock call goes through the Host.
#pragma once

#include <map>
#include <string>

#include "apply/applier.h"
#include "observe/secrets.h"
#include "plan/plan.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/host.h"
#include "util/root.h"

namespace mosq::apply {

void notify_broker(const plan::Plan& plan, const spec::Spec& spec, FileSystem& fs, Host& host,
                   const Root& root, const observe::EnvLookup& env, ApplyReport& report);

// What a hook command (reload.command, restart_command) runs with: only
// the variables a shell command needs (PATH, HOME, locale, TZ, ...), never
// one the spec names as a secret's source, nor anything else this process
// was given (Ansible's or cron's secrets).
std::map<std::string, std::string> hook_environment(const spec::Spec& spec, const observe::EnvLookup& env);

}  // namespace mosq::apply
