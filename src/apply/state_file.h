// Writes the tool's state file (observe/tool_state.h): each part is
// changed by the step that knows it (a pending restart by notify_broker,
// the CA key's record by record_verified_ca_key), the rest kept as it was.
// The file is written only when its text changes, atomically, 0644; no
// state file is created for an empty state.
#pragma once

#include <cstdint>
#include <functional>

#include "observe/secrets.h"
#include "observe/tool_state.h"
#include "plan/plan.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::apply {

void update_tool_state(FileSystem& fs, const Root& root,
                       const std::function<void(observe::ToolState&)>& change);

// After a complete apply that had the CA key's passphrase: records the
// managed, encrypted-at-rest CA key file as it now is on disk (its digest
// and the public key it holds), so later runs that sign nothing need no
// passphrase. A run without the passphrase keeps the record it found.
void record_verified_ca_key(const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                            FileSystem& fs, const Root& root, std::int64_t now);

}  // namespace mosq::apply
