// Reads the disk (through the FileSystem seam) into Observed. Read-only.
// Throws Error only for what a run cannot go on from: an unreadable file
// (permissions), a CA key that the given passphrase does not open.
#pragma once

#include <functional>

#include <cstddef>

#include "observe/observed.h"
#include "observe/secrets.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/host.h"
#include "util/root.h"

namespace mosq::observe {

Observed observe(const spec::Spec& spec, const ResolvedSecrets& secrets, const FileSystem& fs,
                 const Host& host, const Root& root);

// Reads one file the tool manages: metadata, content (at most max_bytes)
// and digest. Unreadable, not a regular file, a symbolic link -> Error.
// `parse`, when given, is run on the content; on a large file (a
// 10,000-user password file) it runs while a second thread takes the
// digest, which would otherwise cost as long again.
ObservedFile observe_file(const FileSystem& fs, const Root& root, const std::string& path,
                          std::size_t max_bytes, std::string* content,
                          const std::function<void(const std::string&)>& parse = {});

}  // namespace mosq::observe
