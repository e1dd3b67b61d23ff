// The tool's own state file (<state dir>/state.json): what an earlier
// apply recorded for later runs. Not a managed resource and never a
// secret: a pending restart, and each managed private key file as an apply
// last opened it (the CA key with its passphrase), so that a run which
// signs nothing neither needs the passphrase nor pays for opening keys:
// see observe/key_file.h. Hostile input like any file: parsed leniently (a
// field of the wrong type is dropped), never trusted to authorise a
// signature (the CA key is decrypted before anything is signed).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "observe/observed.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::observe {

// A key file as the last apply that opened it found it (the CA key: with
// its passphrase): the file's digest and the public key it holds.
struct KeyRecord {
  std::string path;              // as the spec names it
  std::string file_sha256;       // ObservedFile::digest of the file
  std::string public_key_sha256; // crypto::PrivateKey::public_key_fingerprint()
  std::string key_type;          // crypto::key_type_name()
  std::int64_t verified_at = 0;  // unix seconds, for people

  bool operator==(const KeyRecord& o) const {
    return path == o.path && file_sha256 == o.file_sha256 &&
           public_key_sha256 == o.public_key_sha256 && key_type == o.key_type &&
           verified_at == o.verified_at;
  }
};

// A certificate file as the last apply that parsed it found it: what
// observe would read from it again (its facts, whether it holds more than
// the certificate), and whether its signature verified under the CA
// certificate file whose digest is issuer_sha256 (its own, for the CA).
struct CertificateRecord {
  std::string path;          // as the spec names it
  std::string file_sha256;   // ObservedFile::digest
  std::string issuer_sha256; // the CA certificate file's digest
  bool signed_by_issuer = false;
  bool extra_content = false;
  std::size_t certificates_in_file = 0;
  crypto::CertificateFacts facts;
  std::int64_t verified_at = 0;  // unix seconds, for people
};

struct ToolState {
  std::optional<PendingRestart> pending_restart;
  std::optional<KeyRecord> verified_ca_key;  // encrypted at rest
  std::vector<KeyRecord> verified_keys;      // the other keys, by path
  std::vector<CertificateRecord> verified_certificates;

  bool empty() const {
    return !pending_restart && !verified_ca_key && verified_keys.empty() && verified_certificates.empty();
  }
  // The record of the key or certificate file at path (as the spec names
  // it), if any.
  const KeyRecord* key_record(const std::string& path) const;
  const CertificateRecord* certificate_record(const std::string& path) const;
};

// JSON, format_version 1; parse never throws (garbage is an empty state).
std::string render_tool_state(const ToolState& state);
ToolState parse_tool_state(const std::string& text);

// The state file's content: empty when it does not exist; throws Error
// naming the file when it cannot be read (a FIFO, too big, unreadable).
ToolState read_tool_state(const FileSystem& fs, const Root& root);

}  // namespace mosq::observe
