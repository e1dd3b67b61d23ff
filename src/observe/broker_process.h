// The running broker: its pid file, whether that process lives and when it
// started, and whether a restart an earlier apply asked for has happened.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "observe/observed.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::observe {

ObservedBroker observe_broker_process(const spec::Spec& spec, const FileSystem& fs,
                                      const Root& root);

// The process id a pid file holds, or nullopt (garbage, <= 1).
std::optional<pid_t> parse_pid(const std::string& text);

// Seconds since boot (CLOCK_BOOTTIME, what /proc start times count) and
// this boot's id (/proc/sys/kernel/random/boot_id).
double boot_clock_seconds();
std::string current_boot_id();

// The state file's text recording a pending restart (JSON), and its parse.
std::string render_state(const std::optional<PendingRestart>& pending);
std::optional<PendingRestart> parse_state(const std::string& text);

}  // namespace mosq::observe
