#include "spec/rules.h"

#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "crypto/password_hash.h"
#include "util/root.h"

namespace mosq::spec {
namespace {

// Reports at `path`'s field when it was written, else at its nearest parent.
void report(YamlReader& reader, const std::string& path, std::string message) {
  reader.error_at(reader.locations().nearest(path), path, std::move(message));
}

std::string version_name(crypto::MosquittoVersion version) {
  return version == crypto::MosquittoVersion::v2_1 ? "2.1" : "2.0";
}

void check_users(const Spec& spec, YamlReader& reader) {
  // Views of the names the spec holds; a path is spelled out only for a message.
  std::unordered_map<std::string_view, std::size_t> first_index;
  first_index.reserve(spec.users.size());
  for (std::size_t i = 0; i < spec.users.size(); ++i) {
    const User& user = spec.users[i];
    const auto path = [i] { return item_path("users", i); };
    if (!user.name.empty()) {
      const auto [it, inserted] = first_index.emplace(user.name, i);
      if (!inserted) {
        report(reader, path() + ".name",
               "duplicate user name '" + user.name + "' (also users[" + std::to_string(it->second) + "])");
      }
    }
    if (user.password && user.password->kind == PasswordSourceKind::hash) {
      std::string why;
      const auto hash = crypto::parse_password_hash(user.password->value, &why);
      if (!hash) {
        continue;  // reported when read
      }
      if (const auto problem = crypto::unreadable_by(*hash, spec.broker.mosquitto_version)) {
        report(reader, path() + ".password_hash",
               "Mosquitto " + version_name(spec.broker.mosquitto_version) + " cannot read this hash: " + *problem +
                   "; hash it with that version's mosquitto_passwd, use password_env or password_file, or set "
                   "broker.mosquitto_version");
      }
    }
  }
}

// ACL rules need the file they are written to.
void check_acl(const Spec& spec, YamlReader& reader) {
  if (spec.broker.acl_file) return;
  const std::string way_out = "set broker.acl_file (the ACL file this tool then owns), or remove ";
  if (reader.locations().has("acl")) {
    report(reader, "acl", "ACL rules need broker.acl_file; " + way_out + "acl:");
  }
  for (std::size_t i = 0; i < spec.users.size(); ++i) {
    if (!spec.users[i].acl) continue;
    const std::string path = item_path("users", i) + ".acl";
    if (reader.locations().has(path)) {
      report(reader, path, "ACL rules need broker.acl_file; " + way_out + "this user's acl:");
    }
  }
}

void check_listeners(const Spec& spec, YamlReader& reader) {
  std::map<std::pair<std::string, int>, std::size_t> first_index;
  for (std::size_t i = 0; i < spec.listeners.size(); ++i) {
    const Listener& listener = spec.listeners[i];
    const std::string path = item_path("listeners", i);
    if (!reader.locations().has_fields_below(path)) {
      continue;  // not a mapping, or an empty one: reported when read
    }
    if (listener.port != 0) {
      const std::string address = listener.bind_address.value_or("");
      const auto [it, inserted] = first_index.emplace(std::make_pair(address, listener.port), i);
      if (!inserted) {
        report(reader, path + ".port",
               "duplicate listener: port " + std::to_string(listener.port) +
                   (address.empty() ? std::string(" on all addresses") : " on " + address) +
                   " is already listeners[" + std::to_string(it->second) + "]");
      }
    }
    if (!listener.tls) {
      for (const char* option : {"tls_version", "require_certificate", "use_identity_as_username"}) {
        const std::string option_path = path + "." + option;
        if (reader.locations().has(option_path)) {
          report(reader, option_path,
                 "a plain listener (tls: false) takes no TLS options; remove " + std::string(option) +
                     " or the tls: false");
        }
      }
      continue;
    }
    if (!spec.tls) {
      const std::string at = reader.locations().has(path + ".tls") ? path + ".tls" : path;
      report(reader, at,
             "a TLS listener needs the top-level tls: section (its CA and server certificate); add tls:, or set "
             "tls: false for a plain listener");
    }
    if (listener.use_identity_as_username && !listener.require_certificate) {
      report(reader, path + ".use_identity_as_username",
             "use_identity_as_username needs require_certificate: true (the user name comes from the client "
             "certificate)");
    }
  }
}

void check_certificate(const CertificateSpec& certificate, const std::string& path, YamlReader& reader) {
  if (certificate.renew_before_days >= certificate.validity_days) {
    const std::string at = reader.locations().has(path + ".renew_before_days") ? path + ".renew_before_days"
                                                                               : path + ".validity_days";
    report(reader, at,
           "renew_before_days (" + std::to_string(certificate.renew_before_days) +
               ") must be less than validity_days (" + std::to_string(certificate.validity_days) +
               "), or the certificate is renewed on every run");
  }
}

void check_issued_subject(const CertificateSpec& certificate, const CertificateSpec& ca, const std::string& path,
                          YamlReader& reader) {
  if (certificate.subject.empty() || ca.subject.empty() || !crypto::same_name(certificate.subject, ca.subject)) {
    return;
  }
  report(reader, path + ".subject",
         "the subject equals the CA's (tls.ca.subject); OpenSSL 3 then treats this certificate as self-signed and "
         "verification fails (\"error 18 at 0 depth lookup: self-signed certificate\"): give it a different "
         "subject, e.g. CN set to the broker's host name");
}

void check_tls(const Tls& tls, YamlReader& reader) {
  if (tls.ca.managed) {
    check_certificate(tls.ca, "tls.ca", reader);  // a given CA is never issued here
  }
  check_certificate(tls.server, "tls.server", reader);
  check_issued_subject(tls.server, tls.ca, "tls.server", reader);

  std::map<std::string, std::size_t> first_index;
  for (std::size_t i = 0; i < tls.clients.size(); ++i) {
    const ClientCertificateSpec& client = tls.clients[i];
    const std::string path = item_path("tls.clients", i);
    check_certificate(client.certificate, path, reader);
    check_issued_subject(client.certificate, tls.ca, path, reader);
    if (!client.name.empty()) {
      const auto [it, inserted] = first_index.emplace(client.name, i);
      if (!inserted) {
        report(reader, path + ".name",
               "duplicate client name '" + client.name + "' (also tls.clients[" + std::to_string(it->second) +
                   "])");
      }
    }
  }
}

// Every file the tool writes or reads is its own: two resources on one path
// overwrite each other (the config written over the password file, a
// certificate over a password's source file). Paths are compared normalised,
// and one whose ".." climbs above / is refused here, where it is written.
void check_files(const Spec& spec, YamlReader& reader) {
  enum class Use { written, pid_file, password_source, main_config };
  // A claim's field: named, or users[i].password_file, spelled out only for
  // a message (10,000 users).
  constexpr std::size_t k_not_a_user = static_cast<std::size_t>(-1);
  struct Claim {
    std::string field;
    Use use;
    std::size_t user = k_not_a_user;
    std::string name() const {
      return user == k_not_a_user ? field : item_path("users", user) + ".password_file";
    }
  };
  std::unordered_map<std::string, Claim> owner_of_file;
  owner_of_file.reserve(spec.users.size() + 16);
  const auto claim = [&](const std::string& file, Claim who) {
    if (file.empty() || file.front() != '/') {
      return;  // not absolute: reported where it was read
    }
    const std::optional<std::string> normal = normalize_path(file);
    if (!normal) {
      report(reader, who.name(), file + ": its '..' climbs above /; name the file without leaving /");
      return;
    }
    const auto [it, inserted] = owner_of_file.emplace(*normal, who);
    if (inserted || (who.use == Use::password_source && it->second.use == Use::password_source)) {
      return;  // several users may take their passwords from one file
    }
    std::string why = "give each its own file";
    if (who.use == Use::password_source) {
      why = "a file mosq-reconcile writes cannot also be where a password comes from";
    }
    report(reader, who.name(), "the same file as " + it->second.name() + " (" + *normal + "); " + why);
  };
  claim(spec.broker.config_file, {"broker.config_file", Use::written});
  claim(spec.broker.password_file, {"broker.password_file", Use::written});
  // Read, never written; the same file as config_file means the tool owns
  // the broker's whole config, which is allowed.
  if (normalize_path(spec.broker.main_config) != normalize_path(spec.broker.config_file)) {
    claim(spec.broker.main_config, {"broker.main_config", Use::main_config});
  }
  if (spec.broker.acl_file) claim(*spec.broker.acl_file, {"broker.acl_file", Use::written});
  if (spec.tls) {
    const Tls& tls = *spec.tls;
    claim(tls.ca.cert_path, {"tls.ca.cert", Use::written});
    claim(tls.ca.key_path, {"tls.ca.key", Use::written});
    claim(tls.server.cert_path, {"tls.server.cert", Use::written});
    claim(tls.server.key_path, {"tls.server.key", Use::written});
    std::set<std::string> client_names;
    for (std::size_t i = 0; i < tls.clients.size(); ++i) {
      const ClientCertificateSpec& client = tls.clients[i];
      if (!client.name.empty() && !client_names.insert(client.name).second) {
        continue;  // a duplicate client, reported as such
      }
      const std::string path = item_path("tls.clients", i);
      claim(client.certificate.cert_path, {path + ".cert", Use::written});
      claim(client.certificate.key_path, {path + ".key", Use::written});
    }
  }
  if (spec.broker.reload.pid_file) {
    claim(*spec.broker.reload.pid_file, {"broker.reload.pid_file", Use::pid_file});
  }
  for (std::size_t i = 0; i < spec.users.size(); ++i) {
    const User& user = spec.users[i];
    if (user.password && user.password->kind == PasswordSourceKind::file) {
      claim(user.password->value, {"", Use::password_source, i});
    }
  }
}

}  // namespace

void check_rules(const Spec& spec, YamlReader& reader) {
  check_users(spec, reader);
  check_acl(spec, reader);
  check_listeners(spec, reader);
  if (spec.tls) {
    check_tls(*spec.tls, reader);
  }
  check_files(spec, reader);
}

}  // namespace mosq::spec
