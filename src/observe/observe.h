// Reads the disk (through the FileSystem seam) into Observed. Read-only.
// Throws Error only for what a run cannot go on from: an unreadable file
// (permissions), a CA key that the given passphrase does not open.
#pragma once

#include "observe/observed.h"
#include "observe/secrets.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/host.h"
#include "util/root.h"

namespace mosq::observe {

Observed observe(const spec::Spec& spec, const ResolvedSecrets& secrets, const FileSystem& fs,
                 const Host& host, const Root& root);

// Reads one file: metadata, content and digest. Unreadable -> Error.
ObservedFile observe_file(const FileSystem& fs, const Root& root, const std::string& path,
                          std::string* content);

// Where apply records a restart it asked for (under --root like the rest).
constexpr const char* k_state_file = "/var/lib/mosq-reconcile/state.json";

}  // namespace mosq::observe
