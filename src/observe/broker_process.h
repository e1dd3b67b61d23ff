// The running broker: which process the pid file names, whether it really
// is Mosquitto, and whether a restart an earlier apply asked for has
// happened. A pid file is hostile input: it is parsed strictly and the
// process it names is signalled only once it is shown to be the broker.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "observe/observed.h"
#include "observe/tool_state.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/host.h"
#include "util/root.h"

namespace mosq::observe {

// recorded: the state file's pending restart, if any (tool_state.h).
ObservedBroker observe_broker_process(const spec::Spec& spec, const FileSystem& fs, const Host& host,
                                      const ToolState& recorded, const Root& root);

// What a pid file (at host_path, as this machine sees it) says: the broker
// is running only when the file holds one decimal process id (> 1, within
// pid_t; a trailing newline allowed), that process lives, its comm or exe
// is mosquitto, and it started no later than the pid file was written (a
// later start means the id was reused by another process).
BrokerProcess find_broker(const HostPath& pid_file, const FileSystem& fs, const Host& host);

// A pid file's process id, or nullopt with why: digits only, > 1, within pid_t.
std::optional<pid_t> parse_pid(const std::string& text, std::string* why = nullptr);

}  // namespace mosq::observe
