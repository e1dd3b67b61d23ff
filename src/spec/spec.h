// The desired state, as loaded and validated from broker.yaml.
// Plain data: no I/O, no secrets (secret *sources* only; see secret_source.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/distinguished_name.h"
#include "crypto/key_type.h"
#include "crypto/password_hash.h"

namespace mosq::spec {

// Where a value was written in the spec file, for messages.
struct Mark {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

enum class UnlistedUsers { remove, keep };

struct Reload {
  std::optional<std::string> pid_file;         // SIGHUP this pid
  std::optional<std::string> command;          // or run this (via /bin/sh -c)
  std::optional<std::string> restart_command;  // for listener changes
};

// Where Debian's broker reads its config: read (never written) to find
// hand-made directives that collide with the managed snippet.
constexpr const char* k_default_main_config = "/etc/mosquitto/mosquitto.conf";

struct Broker {
  std::string config_file;
  std::string main_config = k_default_main_config;
  std::string password_file;
  bool allow_anonymous = false;
  UnlistedUsers unlisted_users = UnlistedUsers::remove;
  std::optional<std::string> owner;
  std::optional<std::string> group;
  Reload reload;
  crypto::MosquittoVersion mosquitto_version = crypto::MosquittoVersion::v2_0;
  // PBKDF2 iterations of new $7$ hashes; unset: what the version's
  // mosquitto_passwd writes (101 for 2.0, 1000 for 2.1).
  std::optional<int> hash_iterations;
  // When set, this tool owns the broker's ACL file (topic rights).
  std::optional<std::string> acl_file;
};

enum class TlsVersion { tlsv1_1, tlsv1_2, tlsv1_3 };

struct Listener {
  int port = 0;
  std::optional<std::string> bind_address;
  bool tls = true;
  TlsVersion tls_version = TlsVersion::tlsv1_2;
  bool require_certificate = false;
  bool use_identity_as_username = false;
  Mark mark;
};

enum class PasswordSourceKind { env, file, hash };

struct PasswordSource {
  PasswordSourceKind kind = PasswordSourceKind::env;
  std::string value;  // env var name, file path, or the hash text
};

enum class UserState { present, absent };

// What an ACL rule lets a client do on the topics its filter matches
// (Mosquitto's acl_file: deny is checked before every grant).
enum class AclAccess { read, write, readwrite, deny };

struct AclRuleSpec {
  std::string topic;  // a topic filter; %u / %c only in patterns
  AclAccess access = AclAccess::read;
  Mark mark;
};

struct User {
  std::string name;
  UserState state = UserState::present;
  std::optional<PasswordSource> password;  // set when present
  // Set when the user has an acl: list (possibly empty: no rights).
  std::optional<std::vector<AclRuleSpec>> acl;
  Mark mark;
};

// Rules not tied to one user.
struct Acl {
  std::vector<AclRuleSpec> patterns;   // every user (%u user name, %c client id)
  std::vector<AclRuleSpec> anonymous;  // clients without a user name
};

struct CertificateSpec {
  std::string cert_path;  // absolute (tls.dir joined when relative)
  std::string key_path;
  crypto::DistinguishedName subject;
  std::vector<std::string> subject_alt_names;  // canonical
  int validity_days = 0;
  int renew_before_days = 0;
  crypto::KeyType key_type = crypto::KeyType::ec_p256;
  bool key_type_given = false;  // false: the default, which the plan says
  std::optional<std::string> passphrase_env;  // CA only
  // CA only: apply may replace the trust anchor unattended (a new CA key,
  // or a CA certificate under another key or subject) without
  // --allow-trust-break.
  bool allow_replace = false;
  // CA only. managed: false is a CA made elsewhere (one CA for a fleet):
  // its certificate is given (copied by Ansible), never created, renewed
  // or replaced here, and subject/validity_days/key_type are not set; its
  // key signs from key_env (the PEM text, never written to disk) or from
  // key_path. key_path is empty when the key comes from key_env.
  bool managed = true;
  std::optional<std::string> key_env;
  Mark mark;
};

struct ClientCertificateSpec {
  std::string name;
  CertificateSpec certificate;
};

struct Tls {
  std::string dir;
  CertificateSpec ca;
  CertificateSpec server;
  std::vector<ClientCertificateSpec> clients;
};

struct Spec {
  std::string source_file;  // the spec's path as given, for messages
  int version = 1;
  Broker broker;
  std::vector<Listener> listeners;
  std::vector<User> users;
  std::optional<Tls> tls;
  std::optional<Acl> acl;
};

std::string_view tls_version_name(TlsVersion version);
std::string_view acl_access_name(AclAccess access);  // "read", "write", "readwrite", "deny"

}  // namespace mosq::spec
