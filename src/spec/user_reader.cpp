#include <array>
#include <tuple>
#include <utility>

#include "crypto/password_hash.h"
#include "spec/section_readers.h"

namespace mosq::spec {
namespace {

constexpr std::array<std::string_view, 3> k_sources{"password_env", "password_file", "password_hash"};

std::optional<std::string> read_user_name(YamlReader& reader, const Located& at) {
  auto name = reader.text(at);
  if (!name) {
    return std::nullopt;
  }
  if (name->find(':') != std::string::npos) {
    reader.error(at, "a user name cannot contain ':' (the password file separates name and hash with it)");
    return std::nullopt;
  }
  if (name->front() == '#') {
    // Mosquitto skips password file (and ACL file) lines starting with '#'.
    reader.error(at, "a user name cannot start with '#' (its password file line would be a comment)");
    return std::nullopt;
  }
  return name;
}

std::optional<std::string> read_password_hash(YamlReader& reader, const Located& at) {
  auto text = reader.text(at);
  if (!text) {
    return std::nullopt;
  }
  std::string why;
  if (!crypto::parse_password_hash(*text, &why)) {
    reader.error(at, "not a mosquitto_passwd hash (" + why +
                         "); expected $7$<iterations>$<salt>$<hash> or $6$<salt>$<hash>, as "
                         "mosquitto_passwd writes after 'name:'");
    return std::nullopt;
  }
  return text;
}

std::optional<PasswordSource> read_source(YamlReader& reader, std::string_view kind, const Located& at) {
  std::optional<std::string> value;
  PasswordSource source;
  if (kind == "password_env") {
    source.kind = PasswordSourceKind::env;
    value = read_env_name(reader, at);
  } else if (kind == "password_file") {
    source.kind = PasswordSourceKind::file;
    value = reader.absolute_path(at);
  } else {
    source.kind = PasswordSourceKind::hash;
    value = read_password_hash(reader, at);
  }
  if (!value) {
    return std::nullopt;
  }
  source.value = *value;
  return source;
}

User read_user(YamlReader& reader, const Located& at) {
  User user;
  user.mark = at.field_mark;
  static const std::vector<std::string> k_fields{"name",          "state",         "password_env",
                                                 "password_file", "password_hash", "acl"};
  static const std::vector<std::string> k_refused{"password"};
  const MappingReader fields(reader, at, k_fields, k_refused);
  if (!fields.is_mapping()) {
    return user;
  }
  if (const auto name = fields.required("name")) {
    user.name = read_user_name(reader, *name).value_or("");
  }
  if (const auto state = fields.optional("state")) {
    user.state = reader.one_of(*state, {"present", "absent"}) == "absent" ? UserState::absent : UserState::present;
  }
  if (const auto acl = fields.optional("acl")) {
    if (user.state == UserState::absent) {
      reader.field_error(*acl, "a user with state: absent has no rights; remove acl (its rules are removed "
                               "from the ACL file with its password line)");
    } else {
      user.acl = read_acl_rules(reader, *acl, AclRuleKind::topic);
    }
  }
  const auto plaintext = fields.optional("password");
  if (plaintext) {
    reader.field_error(*plaintext,
                       "plaintext passwords are refused (the spec lives in git); use password_env, password_file "
                       "or password_hash");
  }
  std::array<std::pair<std::string_view, const Located*>, k_sources.size()> sources{};
  std::size_t source_count = 0;
  for (const auto kind : k_sources) {
    if (const Located* field = fields.optional(kind)) {
      sources[source_count++] = {kind, field};
    }
  }
  // In the order written (at most three: an insertion sort).
  const auto written_before = [](const Located* a, const Located* b) {
    return std::tie(a->field_mark.line, a->field_mark.column) < std::tie(b->field_mark.line, b->field_mark.column);
  };
  for (std::size_t i = 1; i < source_count; ++i) {
    for (std::size_t j = i; j > 0 && written_before(sources[j].second, sources[j - 1].second); --j) {
      std::swap(sources[j], sources[j - 1]);
    }
  }
  std::optional<std::string_view> first_source;
  for (std::size_t i = 0; i < source_count; ++i) {
    const std::string_view kind = sources[i].first;
    const Located& field = *sources[i].second;
    if (user.state == UserState::absent) {
      reader.field_error(field, "a user with state: absent takes no password; remove " + std::string(kind));
      continue;
    }
    if (first_source) {
      reader.field_error(field, "give exactly one password source; this user already has " +
                                    std::string(*first_source));
      continue;
    }
    first_source = kind;
    user.password = read_source(reader, kind, field);
  }
  if (user.state == UserState::present && !first_source && !plaintext) {
    reader.field_error(at, "a present user needs one password source: password_env, password_file or "
                           "password_hash (or state: absent)");
  }
  return user;
}

}  // namespace

std::vector<User> read_users(YamlReader& reader, const Located& users) {
  std::vector<User> result;
  if (const auto items = reader.list(users)) {
    for (const auto& item : *items) {
      result.push_back(read_user(reader, item));
    }
  }
  return result;
}

}  // namespace mosq::spec
