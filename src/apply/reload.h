// Tells the running broker about the change: SIGHUP to the pid file's
// process or a reload command; the restart command for what SIGHUP cannot
// apply (listeners, cafile). A restart that cannot be done is recorded in
// the state file so the next plan still shows it until it has happened.
#pragma once

#include <cstdint>

#include "apply/applier.h"
#include "plan/plan.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::apply {

void notify_broker(const plan::Plan& plan, const spec::Spec& spec, FileSystem& fs,
                   const Root& root, ApplyReport& report);

// Runs a command with /bin/sh -c; returns its exit status (-1 when it
// could not run or was killed).
int run_command(const std::string& command);

}  // namespace mosq::apply
