// Makes the keys and certificates a plan asks for, keeping what it made in
// this run so children are signed by new parents. The CA key that signs is
// the one resolved with the secrets (observe/ca_key.h), or one made here.
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

// Throws a located Error, to be called before anything is written, when the
// plan issues a certificate and no CA key can sign it (a given CA's key_env
// not set, its key file missing).
void check_can_issue(const plan::Plan& plan, const spec::Spec& spec,
                     const observe::ResolvedSecrets& secrets, const Root& root);

// When the plan signs with the CA key and observe left it locked (its file
// matched the state file's record, so a run that signs nothing does not
// decrypt it: observe/key_file.h), decrypts it with the passphrase. Throws
// a located Error when the passphrase does not decrypt it; called right
// after planning, before anything is printed or written (and by --plan,
// so CI learns of a wrong passphrase when a signature is due).
void unlock_ca_key(const plan::Plan& plan, const spec::Spec& spec, observe::ResolvedSecrets& secrets,
                   const Root& root);

class PkiIssuer {
 public:
  // now: the plan's time (--now); real_now: the host's clock (Host::now),
  // so a certificate issued for a future --now is valid from today.
  PkiIssuer(const spec::Spec& spec, const observe::ResolvedSecrets& secrets, FileSystem& fs,
            const Root& root, std::int64_t now, std::int64_t real_now);

  // Writes the new content of a key or certificate change.
  void write(const plan::Change& change);

 private:
  const spec::CertificateSpec& spec_for(const plan::Change& change) const;
  // A server or client key: made this run, else read from its file.
  const crypto::PrivateKey& key_for(const std::string& key_path);
  // Made this run, else the one resolved with the secrets (file or environment).
  const crypto::PrivateKey& ca_key() const;
  const crypto::Certificate& ca_certificate();
  const Secret* ca_passphrase() const;

  const spec::Spec& m_spec;
  const observe::ResolvedSecrets& m_secrets;
  FileSystem& m_fs;
  const Root& m_root;
  std::int64_t m_now;
  std::int64_t m_real_now;
  std::map<std::string, crypto::PrivateKey> m_keys;  // by spec path, made or loaded this run
  std::optional<crypto::PrivateKey> m_new_ca_key;    // a CA key made this run
  std::optional<crypto::Certificate> m_ca_cert;
};

}  // namespace mosq::apply
