// Modes and owners: what each managed file must be, and how it drifted.
#pragma once

#include <string>
#include <vector>

#include "observe/observed.h"
#include "plan/plan.h"

namespace mosq::plan {

// Password file 0640 to the broker's group (0600 without one), owned by the
// broker's user; server key likewise; CA key 0600 never group-readable and
// owned by whoever runs us (the broker never reads it); certificates and
// the config 0644. Owners are set only when running as root.
FilePolicy policy_for(ResourceKind kind, const observe::Ownership& ownership);

// "mode 0644 -> 0640", "owner uid 0 -> mosquitto"; empty when it complies
// or the file does not exist.
std::vector<std::string> metadata_drift(const observe::ObservedFile& file, const FilePolicy& policy,
                                        const observe::Ownership& ownership);

// Settles a change's action from its content reasons and metadata drift:
// content reasons -> `content_action`, only drift -> update, none -> no-op.
void settle(Change& change, Action content_action, const observe::ObservedFile& file,
            const observe::Ownership& ownership);

std::string octal_mode(mode_t mode);

}  // namespace mosq::plan
