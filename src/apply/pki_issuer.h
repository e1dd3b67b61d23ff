// Makes the keys and certificates a plan asks for, keeping what it made in
// this run so children are signed by new parents. The CA key that signs is
// the one resolved with the secrets (observe/ca_key.h), or one made here.
// All of it is made before the first file is written (prepare), so a
// failure to make any of it leaves every file as it was; the CA key's
// encryption at rest (PKCS#8's PBKDF2, the greater part of a new CA's
// cost) runs on a second thread while the certificates are signed.
#pragma once

#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apply/written_pki.h"
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

  // Makes the new content of every key and certificate change of the
  // plan, in its order, writing nothing. Throws Error.
  void prepare(const plan::Plan& plan);
  // Writes the content prepare() made for a key or certificate change.
  void write(const plan::Change& change);

  // Every key and certificate written so far, as written.
  const WrittenPki& written() const { return m_written; }

 private:
  // One file's new content, made by prepare().
  struct EncodedKey {
    Secret pem;
    std::string public_key_sha256;
  };
  struct Made {
    std::string path;                          // as the spec names it
    const crypto::PrivateKey* key = nullptr;   // a key: the key...
    std::optional<EncodedKey> encoded;         // ...and its PEM, or
    std::future<EncodedKey> pending;           // its PEM being encrypted on another thread
    std::optional<crypto::Certificate> cert;   // a certificate
  };

  void make(const plan::Change& change);
  Made& made_for(const std::string& path);
  const spec::CertificateSpec& spec_for(const plan::Change& change) const;
  // A server or client key: made this run, else read from its file.
  const crypto::PrivateKey& key_for(const std::string& key_path);
  // Made this run, else the one resolved with the secrets (file or environment).
  const crypto::PrivateKey& ca_key() const;
  // Issued this run, else read from its file.
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
  std::optional<crypto::Certificate> m_ca_cert;     // the CA certificate file, when read
  std::vector<Made> m_made;                         // by prepare(), in the plan's order
  WrittenPki m_written;
};

}  // namespace mosq::apply
