// Helpers for tests that run the built mosq-reconcile on a temp tree:
// a fixture (root dir + spec file + env), a spec builder, openssl wrappers
// and an independent check of Mosquitto password hashes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/text.h"
#include "support/tree_snapshot.h"

namespace mosq::test {

// One certificate's part of the spec (CA, server or client).
struct CertYaml {
  std::string subject;                  // flow mapping, e.g. "{ O: Example, CN: CA }"
  std::vector<std::string> sans;        // server/client only
  std::string key_type = "ec-p256";
  int validity_days = 0;                // 0: leave out (tool default)
  int renew_before_days = 0;            // 0: leave out
  std::string cert, key;                // file names/paths; empty: leave out
};

struct ClientYaml {
  std::string name;
  std::string key_type = "ec-p256";
};

// A spec with sensible test defaults; yaml() renders it.
struct SpecYaml {
  std::string config_file = "/etc/mosquitto/conf.d/mosq-reconcile.conf";
  std::string password_file = "/etc/mosquitto/mqttpass";
  std::string unlisted_users = "remove";
  bool allow_anonymous = false;
  // Raw user entries, each the lines after "- " (e.g. "name: a\n    password_env: A").
  std::vector<std::string> users;
  bool tls = false;  // adds tls: and a TLS listener on 8883
  std::string tls_dir = "/etc/mosquitto/certs";
  CertYaml ca{"{ O: Example, CN: Example Test CA }", {}, "ec-p256", 3650, 90, "", ""};
  CertYaml server{"{ O: Example, CN: mqtt.example.test }",
                  {"DNS:mqtt.example.test", "DNS:localhost", "IP:127.0.0.1", "IP:::1"},
                  "ec-p256", 825, 30, "", ""};
  std::optional<std::string> ca_passphrase_env;
  std::vector<ClientYaml> clients;  // non-empty: the TLS listener requires client certificates

  // Convenience for users.
  SpecYaml& user_env(const std::string& name, const std::string& var);
  SpecYaml& user_file(const std::string& name, const std::string& path);
  SpecYaml& user_hash(const std::string& name, const std::string& hash);
  SpecYaml& user_absent(const std::string& name);

  std::string yaml() const;
};

// A root directory (the tool's --root) and a separate work directory that
// holds the spec, so the root holds only what the tool writes.
class Tree {
 public:
  Tree();
  const std::string& root() const { return m_root.path(); }
  const std::string& spec_path() const { return m_spec_path; }
  // Host path of an absolute path as the spec names it.
  std::string host(const std::string& spec_path) const { return m_root.path() + spec_path; }
  std::string work(const std::string& name) const { return m_work / name; }

  void write_spec(const std::string& yaml);
  void write_spec(const SpecYaml& spec) { write_spec(spec.yaml()); }

  // Runs the tool with args + "--root ROOT SPEC", env on top of `env`.
  ProcessResult run(std::vector<std::string> args,
                    const std::map<std::string, std::string>& extra_env = {}) const;
  ProcessResult apply(const std::map<std::string, std::string>& extra_env = {}) const {
    return run({}, extra_env);
  }
  // Runs args (apply unless they say otherwise) and REQUIREs exit 0, with
  // the run's output in the failure message.
  void apply_ok(std::vector<std::string> args = {}) const;
  ProcessResult plan(const std::map<std::string, std::string>& extra_env = {}) const {
    return run({"--plan"}, extra_env);
  }

  TreeSnapshot snapshot() const { return snapshot_tree(root()); }

  std::map<std::string, std::string> env;  // passed to every run

 private:
  TempDir m_root;
  TempDir m_work;
  std::string m_spec_path;
};

// --- openssl command wrappers ---------------------------------------------------
ProcessResult openssl(const std::vector<std::string>& args);
// `openssl verify -CAfile ca cert` (with -attime when given); returns the result.
ProcessResult openssl_verify(const std::string& ca, const std::string& cert,
                             std::optional<std::int64_t> at_time = std::nullopt);
std::string x509_text(const std::string& cert);
// PEM SubjectPublicKeyInfo of a certificate / of a private key file.
std::string cert_public_key(const std::string& cert);
std::string key_public_key(const std::string& key, const std::string& passphrase = "");
std::int64_t cert_not_after(const std::string& cert);
std::int64_t cert_not_before(const std::string& cert);

// --- files -----------------------------------------------------------------------
// Permission bits (& 07777) of path; REQUIREs that it can be stat'ed.
mode_t mode_of(const std::string& path);

// "2031-05-04T10:11:12Z"
std::string iso_time(std::int64_t unix_seconds);
std::int64_t unix_now();

// --- password files -------------------------------------------------------------
// The hash part of user's line ("$7$..."), or "" when the user has no line.
std::string hash_of(const std::string& password_file_content, const std::string& user);
std::vector<std::string> users_in(const std::string& password_file_content);
// Independent check (OpenSSL PBKDF2, not the tool's code) of a $7$ hash.
bool verifies(const std::string& hash, const std::string& password);

}  // namespace mosq::test
