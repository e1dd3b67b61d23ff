#include "crypto/password_hash.h"
#include "spec/section_readers.h"
#include "spec/value_text.h"

namespace mosq::spec {
namespace {

constexpr long long k_min_hash_iterations = 101;

std::optional<std::string> read_account_name(YamlReader& reader, const Located& at) {
  auto name = reader.text(at);
  if (name && name->find_first_of(" :") != std::string::npos) {
    reader.error(at, "not a user or group name: it contains a space or ':'");
    return std::nullopt;
  }
  return name;
}

Reload read_reload(YamlReader& reader, const Located& at) {
  Reload reload;
  const MappingReader fields(reader, at, {"pid_file", "command", "restart_command"});
  if (const auto pid_file = fields.optional("pid_file")) {
    reload.pid_file = reader.absolute_path(*pid_file);
  }
  if (const auto command = fields.optional("command")) {
    reload.command = reader.text(*command);
    if (fields.optional("pid_file")) {
      reader.field_error(*command, "give either pid_file (SIGHUP) or command, not both");
    }
  }
  if (const auto restart_command = fields.optional("restart_command")) {
    reload.restart_command = reader.text(*restart_command);
  }
  return reload;
}

}  // namespace

std::optional<std::string> read_env_name(YamlReader& reader, const Located& at) {
  auto name = reader.text(at);
  if (name && (!only_alnum_or(*name, "_") || is_ascii_digit(name->front()))) {
    reader.error(at, "not an environment variable name (letters, digits and '_', not starting with a digit): " +
                         *name);
    return std::nullopt;
  }
  return name;
}

Broker read_broker(YamlReader& reader, const Located& broker) {
  Broker result;
  const MappingReader fields(reader, broker,
                             {"config_file", "main_config", "password_file", "allow_anonymous", "unlisted_users",
                              "owner", "group", "reload", "mosquitto_version", "hash_iterations", "acl_file"});
  if (const auto config_file = fields.required("config_file")) {
    result.config_file = reader.absolute_path(*config_file).value_or("");
  }
  if (const auto main_config = fields.optional("main_config")) {
    result.main_config = reader.absolute_path(*main_config).value_or(k_default_main_config);
  }
  if (const auto password_file = fields.required("password_file")) {
    result.password_file = reader.absolute_path(*password_file).value_or("");
  }
  if (const auto allow_anonymous = fields.optional("allow_anonymous")) {
    result.allow_anonymous = reader.boolean(*allow_anonymous).value_or(false);
  }
  if (const auto unlisted_users = fields.optional("unlisted_users")) {
    const auto value = reader.one_of(*unlisted_users, {"remove", "keep"});
    result.unlisted_users = value == "keep" ? UnlistedUsers::keep : UnlistedUsers::remove;
  }
  if (const auto acl_file = fields.optional("acl_file")) {
    result.acl_file = reader.absolute_path(*acl_file);
  }
  if (const auto owner = fields.optional("owner")) {
    result.owner = read_account_name(reader, *owner);
  }
  if (const auto group = fields.optional("group")) {
    result.group = read_account_name(reader, *group);
  }
  if (const auto reload = fields.optional("reload")) {
    result.reload = read_reload(reader, *reload);
  }
  if (const auto version = fields.optional("mosquitto_version")) {
    const auto value = reader.one_of(*version, {"2.0", "2.1"});
    result.mosquitto_version = value == "2.1" ? crypto::MosquittoVersion::v2_1 : crypto::MosquittoVersion::v2_0;
  }
  if (const auto iterations = fields.optional("hash_iterations")) {
    if (const auto value = reader.integer(*iterations)) {
      // Not below what mosquitto_passwd 2.0 writes; not above what this
      // tool agrees to verify on every run.
      if (*value < k_min_hash_iterations || *value > crypto::k_max_iterations) {
        reader.error(*iterations, "expected " + std::to_string(k_min_hash_iterations) + ".." +
                                      std::to_string(crypto::k_max_iterations) + " iterations, got " +
                                      std::to_string(*value));
      } else {
        result.hash_iterations = static_cast<int>(*value);
      }
    }
  }
  return result;
}

}  // namespace mosq::spec
