// Writes the tool's state file (observe/tool_state.h): each part is
// changed by the step that knows it (a pending restart by notify_broker,
// the key records by record_verified_keys), the rest kept as it was.
// The file is written only when its text changes, atomically, 0644; no
// state file is created for an empty state.
#pragma once

#include <cstdint>
#include <functional>

#include "apply/written_pki.h"
#include "observe/secrets.h"
#include "observe/tool_state.h"
#include "plan/plan.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::apply {

void update_tool_state(FileSystem& fs, const Root& root,
                       const std::function<void(observe::ToolState&)>& change);

// How far the records found may be trusted: `trusted` after a no-op run
// (its plan agreed with them), `reopened` after an apply that wrote, whose
// plan may have come from a wrong record: its keys are opened again.
enum class RecordedKeys { trusted, reopened };

// After a complete apply: records each managed key file as it now is on
// disk (its digest and the public key it holds; observe/tool_state.h), and
// each certificate file (its facts, and whether it verifies under the CA
// certificate file as it now is), so later runs that sign nothing need no
// passphrase and open no key or certificate. The
// encrypted CA key is recorded by a run that has its passphrase, from the
// key it decrypted (a run that did not decrypt it keeps the record of an
// unchanged file; a run without the passphrase keeps the record it found).
// A key or certificate file that still holds what this run wrote
// (`written`, may be null) is recorded from that, without opening it.
void record_verified_keys(const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                          FileSystem& fs, const Root& root, std::int64_t now, RecordedKeys recorded,
                          const WrittenPki* written = nullptr);

}  // namespace mosq::apply
