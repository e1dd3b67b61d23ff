// Makes the keys and certificates a plan asks for, keeping what it made in
// this run so children are signed by new parents.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "crypto/certificate.h"
#include "crypto/private_key.h"
#include "observe/secrets.h"
#include "plan/plan.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::apply {

class PkiIssuer {
 public:
  PkiIssuer(const spec::Spec& spec, const observe::ResolvedSecrets& secrets, FileSystem& fs,
            const Root& root, std::int64_t now);

  // Writes the new content of a key or certificate change.
  void write(const plan::Change& change);

 private:
  const spec::CertificateSpec& spec_for(const plan::Change& change) const;
  const crypto::PrivateKey& key_for(const std::string& key_path, const Secret* passphrase);
  const crypto::Certificate& ca_certificate();
  const Secret* ca_passphrase() const;

  const spec::Spec& m_spec;
  const observe::ResolvedSecrets& m_secrets;
  FileSystem& m_fs;
  const Root& m_root;
  std::int64_t m_now;
  std::map<std::string, crypto::PrivateKey> m_keys;  // by spec path, made or loaded this run
  std::optional<crypto::Certificate> m_ca_cert;
};

}  // namespace mosq::apply
