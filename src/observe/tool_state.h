// The tool's own state file (<state dir>/state.json): what an earlier
// apply recorded for later runs. Not a managed resource and never a
// secret: a pending restart, and the CA key file as it was last opened
// with its passphrase (so that a run which signs nothing needs no
// passphrase: see observe/pki.cpp). Hostile input like any file: parsed
// leniently (a field of the wrong type is dropped), never trusted to
// authorise a signature.
#pragma once

#include <optional>
#include <string>

#include "observe/observed.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::observe {

// The CA key file as the last apply that had the passphrase found it: the
// file's digest and the public key it holds.
struct VerifiedCaKey {
  std::string path;              // as the spec names it
  std::string file_sha256;       // ObservedFile::digest of the encrypted file
  std::string public_key_sha256; // crypto::PrivateKey::public_key_fingerprint()
  std::string key_type;          // crypto::key_type_name()
  std::int64_t verified_at = 0;  // unix seconds, for people

  bool operator==(const VerifiedCaKey& o) const {
    return path == o.path && file_sha256 == o.file_sha256 &&
           public_key_sha256 == o.public_key_sha256 && key_type == o.key_type &&
           verified_at == o.verified_at;
  }
};

struct ToolState {
  std::optional<PendingRestart> pending_restart;
  std::optional<VerifiedCaKey> verified_ca_key;

  bool empty() const { return !pending_restart && !verified_ca_key; }
};

// JSON, format_version 1; parse never throws (garbage is an empty state).
std::string render_tool_state(const ToolState& state);
ToolState parse_tool_state(const std::string& text);

// The state file's content: empty when it does not exist; throws Error
// naming the file when it cannot be read (a FIFO, too big, unreadable).
ToolState read_tool_state(const FileSystem& fs, const Root& root);

}  // namespace mosq::observe
