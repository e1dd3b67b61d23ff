#include <set>

#include "crypto/subject_alt_name.h"
#include "spec/ca_source.h"
#include "spec/section_readers.h"
#include "spec/value_text.h"
#include "util/root.h"

namespace mosq::spec {
namespace {

constexpr long long k_max_days = 36500;

// What a certificate entry may hold, and its defaults.
struct CertificateProfile {
  std::string cert_file;
  std::string key_file;
  int validity_days = 0;
  int renew_before_days = 0;
  bool has_subject_alt_names = false;
  bool needs_subject_alt_names = false;
  bool may_have_passphrase = false;
  bool given = false;  // a CA made elsewhere (managed: false): no subject, no default key file
  crypto::DistinguishedName default_subject;  // empty: subject is required
};

CertificateProfile ca_profile() {
  CertificateProfile profile;
  profile.cert_file = "ca.crt";
  profile.key_file = "ca.key";
  profile.validity_days = 3650;
  profile.renew_before_days = 90;
  profile.may_have_passphrase = true;
  return profile;
}

CertificateProfile server_profile() {
  CertificateProfile profile;
  profile.cert_file = "server.crt";
  profile.key_file = "server.key";
  profile.validity_days = 825;
  profile.renew_before_days = 30;
  profile.has_subject_alt_names = true;
  profile.needs_subject_alt_names = true;
  return profile;
}

CertificateProfile client_profile(const std::string& name) {
  CertificateProfile profile;
  profile.cert_file = name + ".crt";
  profile.key_file = name + ".key";
  profile.validity_days = 825;
  profile.renew_before_days = 30;
  profile.has_subject_alt_names = true;
  profile.default_subject.push_back(crypto::NameAttribute{"CN", name});
  return profile;
}

// X.520 upper bounds (in characters) that OpenSSL enforces when it builds a
// name; a longer value would only fail later, at issuing.
std::size_t max_attribute_length(const std::string& type) {
  if (type == "C") {
    return 2;
  }
  if (type == "ST" || type == "L" || type == "emailAddress") {
    return 128;
  }
  return 64;  // O, OU, CN
}

std::size_t utf8_length(const std::string& text) {
  std::size_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

std::vector<std::string> key_type_names() {
  std::vector<std::string> names;
  for (const auto type : {crypto::KeyType::rsa2048, crypto::KeyType::rsa3072, crypto::KeyType::rsa4096,
                          crypto::KeyType::ec_p256, crypto::KeyType::ec_p384, crypto::KeyType::ed25519}) {
    names.emplace_back(crypto::key_type_name(type));
  }
  return names;
}

std::string resolve_file(const std::string& dir, const std::string& name) {
  const std::string path = name.front() == '/' || dir.empty() ? name : dir + "/" + name;
  return normalize_path(path).value_or(path);  // a ".." above / is reported by rules.cpp
}

crypto::DistinguishedName read_subject(YamlReader& reader, const Located& at) {
  crypto::DistinguishedName subject;
  const MappingReader fields(reader, at, crypto::supported_name_attributes());
  if (!fields.is_mapping()) {
    return subject;
  }
  if (at.node->size() == 0) {
    reader.error(at, "a subject needs at least one attribute, e.g. { CN: broker.example }");
    return subject;
  }
  // In the order written: sorting into issuing order is the issuer's job.
  for (const auto& field : fields.in_order()) {
    const std::string type = field.path.substr(field.path.rfind('.') + 1);
    const auto value = reader.text(field);
    if (!value) {
      continue;
    }
    if (type == "C" && (value->size() != 2 || !is_ascii_letter((*value)[0]) || !is_ascii_letter((*value)[1]))) {
      reader.error(field, "a country is a two-letter code (ISO 3166), e.g. JP or DE; got " + *value);
      continue;
    }
    const std::size_t limit = max_attribute_length(type);
    if (utf8_length(*value) > limit) {
      reader.error(field, "longer than the " + std::to_string(limit) + " characters X.509 allows for " + type);
      continue;
    }
    subject.push_back(crypto::NameAttribute{type, *value});
  }
  return subject;
}

std::optional<int> read_days(YamlReader& reader, const Located& at, long long minimum) {
  const auto value = reader.integer(at);
  if (!value) {
    return std::nullopt;
  }
  if (*value < minimum || *value > k_max_days) {
    reader.error(at, "expected " + std::to_string(minimum) + ".." + std::to_string(k_max_days) + " days, got " +
                         std::to_string(*value));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::vector<std::string> read_subject_alt_names(YamlReader& reader, const Located& at) {
  std::vector<std::string> names;
  const auto items = reader.list(at);
  if (!items) {
    return names;
  }
  std::set<std::string> seen;
  for (const auto& item : *items) {
    const auto text = reader.text(item);
    if (!text) {
      continue;
    }
    std::string why;
    const auto canonical = crypto::canonical_subject_alt_name(*text, &why);
    if (!canonical) {
      reader.error(item, "invalid subjectAltName " + why);
      continue;
    }
    if (!seen.insert(*canonical).second) {
      reader.error(item, "duplicate subjectAltName " + *canonical);
      continue;
    }
    names.push_back(*canonical);
  }
  return names;
}

std::vector<std::string> certificate_fields(const CertificateProfile& profile, std::vector<std::string> extra) {
  std::vector<std::string> known = std::move(extra);
  for (const char* name : {"cert", "key", "subject", "validity_days", "renew_before_days", "key_type"}) {
    known.emplace_back(name);
  }
  if (profile.has_subject_alt_names) {
    known.emplace_back("subject_alt_names");
  }
  if (profile.may_have_passphrase) {
    known.emplace_back("passphrase_env");
    known.emplace_back("allow_replace");  // the CA only
  }
  return known;
}

std::vector<std::string> refused_certificate_fields(const CertificateProfile& profile) {
  if (profile.may_have_passphrase) {
    return {};
  }
  return {"passphrase_env"};
}

CertificateSpec read_certificate(YamlReader& reader, const MappingReader& fields, const std::string& dir,
                                 const CertificateProfile& profile) {
  CertificateSpec spec;
  spec.mark = fields.located().field_mark;
  spec.validity_days = profile.validity_days;
  spec.renew_before_days = profile.renew_before_days;
  if (!fields.is_mapping()) {
    return spec;
  }
  std::string cert_file = profile.cert_file;
  std::string key_file = profile.key_file;
  if (const auto cert = fields.optional("cert")) {
    cert_file = reader.text(*cert).value_or(cert_file);
  }
  if (const auto key = fields.optional("key")) {
    key_file = reader.text(*key).value_or(key_file);
  }
  spec.cert_path = resolve_file(dir, cert_file);
  spec.key_path = profile.given && !fields.optional("key") ? "" : resolve_file(dir, key_file);
  if (profile.given) {
    // Its subject is the certificate's (a subject given here is refused).
  } else if (profile.default_subject.empty()) {
    if (const auto subject = fields.required("subject")) {
      spec.subject = read_subject(reader, *subject);
    }
  } else if (const auto subject = fields.optional("subject")) {
    spec.subject = read_subject(reader, *subject);
  } else {
    spec.subject = profile.default_subject;
  }
  if (const auto validity = fields.optional("validity_days")) {
    spec.validity_days = read_days(reader, *validity, 1).value_or(profile.validity_days);
  }
  if (const auto renew = fields.optional("renew_before_days")) {
    spec.renew_before_days = read_days(reader, *renew, 0).value_or(profile.renew_before_days);
  }
  if (const auto key_type = fields.optional("key_type")) {
    if (const auto name = reader.one_of(*key_type, key_type_names())) {
      spec.key_type = crypto::parse_key_type(*name).value_or(spec.key_type);
      spec.key_type_given = true;
    }
  }
  if (profile.has_subject_alt_names) {
    const auto names = profile.needs_subject_alt_names ? fields.required("subject_alt_names")
                                                       : fields.optional("subject_alt_names");
    if (names) {
      spec.subject_alt_names = read_subject_alt_names(reader, *names);
      if (profile.needs_subject_alt_names && spec.subject_alt_names.empty() && names->node->is_sequence() &&
          names->node->size() == 0) {
        reader.error(*names, "a server certificate needs at least one name: clients (Python, Go, browsers) "
                             "match the host name against subjectAltName only");
      }
    }
  }
  if (const auto allow_replace = fields.optional("allow_replace")) {
    spec.allow_replace = reader.boolean(*allow_replace).value_or(false);
  }
  if (const auto passphrase = fields.optional("passphrase_env")) {
    if (profile.may_have_passphrase) {
      spec.passphrase_env = read_env_name(reader, *passphrase);
    } else {
      reader.field_error(*passphrase, "only the CA key can be encrypted (tls.ca.passphrase_env): the broker "
                                      "reads this key unattended and cannot be given a passphrase");
    }
  }
  return spec;
}

std::optional<std::string> read_client_name(YamlReader& reader, const Located& at) {
  auto name = reader.text(at);
  if (name && (!only_alnum_or(*name, "._-") || !only_alnum_or(name->substr(0, 1), ""))) {
    reader.error(at, "a client name names its files (<name>.crt, <name>.key): use letters, digits, '.', '_' "
                     "and '-', starting with a letter or digit");
    return std::nullopt;
  }
  return name;
}

ClientCertificateSpec read_client(YamlReader& reader, const Located& at, const std::string& dir) {
  ClientCertificateSpec client;
  const CertificateProfile names_only = client_profile("");
  const MappingReader fields(reader, at, certificate_fields(names_only, {"name"}),
                             refused_certificate_fields(names_only));
  if (const auto name = fields.required("name")) {
    client.name = read_client_name(reader, *name).value_or("");
  }
  const std::string file_name = client.name.empty() ? "client" : client.name;
  CertificateProfile profile = client_profile(file_name);
  client.certificate = read_certificate(reader, fields, dir, profile);
  return client;
}

CertificateSpec read_certificate_entry(YamlReader& reader, const Located& at, const std::string& dir,
                                       const CertificateProfile& profile) {
  const MappingReader fields(reader, at, certificate_fields(profile, {}), refused_certificate_fields(profile));
  return read_certificate(reader, fields, dir, profile);
}

CertificateSpec read_ca(YamlReader& reader, const Located& at, const std::string& dir) {
  CertificateProfile profile = ca_profile();
  const MappingReader fields(reader, at, certificate_fields(profile, {"managed", "key_env"}));
  const CaSource source = read_ca_source(reader, fields);
  profile.given = !source.managed;
  CertificateSpec ca = read_certificate(reader, fields, dir, profile);
  ca.managed = source.managed;
  ca.key_env = source.key_env;
  return ca;
}

}  // namespace

std::optional<Tls> read_tls(YamlReader& reader, const Located& tls) {
  const MappingReader fields(reader, tls, {"dir", "ca", "server", "clients"});
  if (!fields.is_mapping()) {
    return std::nullopt;
  }
  Tls result;
  if (const auto dir = fields.required("dir")) {
    result.dir = reader.absolute_path(*dir).value_or("");
  }
  if (const auto ca = fields.required("ca")) {
    result.ca = read_ca(reader, *ca, result.dir);
  }
  if (const auto server = fields.required("server")) {
    result.server = read_certificate_entry(reader, *server, result.dir, server_profile());
  }
  if (const auto clients = fields.optional("clients")) {
    if (const auto items = reader.list(*clients)) {
      for (const auto& item : *items) {
        result.clients.push_back(read_client(reader, item, result.dir));
      }
    }
  }
  return result;
}

}  // namespace mosq::spec
