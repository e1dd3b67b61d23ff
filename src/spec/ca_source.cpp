#include "spec/ca_source.h"

#include "spec/section_readers.h"

namespace mosq::spec {

CaSource read_ca_source(YamlReader& reader, const MappingReader& fields) {
  CaSource source;
  if (!fields.is_mapping()) {
    return source;
  }
  if (const auto managed = fields.optional("managed")) {
    const auto value = reader.boolean(*managed);
    if (!value) {
      // Reported; whether the rest fits cannot be told, so say nothing more.
      source.managed = false;
      return source;
    }
    source.managed = *value;
  }
  const auto key_env = fields.optional("key_env");
  const auto key = fields.optional("key");
  if (source.managed) {
    if (key_env) {
      reader.field_error(*key_env, "key_env is for a given CA (managed: false); a managed CA makes its own "
                                   "key and keeps it in tls.ca.key: set managed: false or remove key_env");
    }
    return source;
  }
  for (const char* field : {"subject", "validity_days", "key_type"}) {
    if (const auto given = fields.optional(field)) {
      reader.field_error(*given, std::string("a given CA (managed: false) is never issued here: its subject, "
                                             "validity and key come from its certificate; remove ") +
                                     field);
    }
  }
  if (const auto allow_replace = fields.optional("allow_replace")) {
    reader.field_error(*allow_replace, "a given CA (managed: false) is never replaced here: replace it where it "
                                       "was made and copy it to every broker; remove allow_replace");
  }
  if (key_env && key) {
    reader.field_error(*key_env, "give the CA key as key_env or as key, not both");
  } else if (key_env) {
    source.key_env = read_env_name(reader, *key_env);
  } else if (!key) {
    reader.field_error(fields.located(),
                       "a given CA (managed: false) needs its key to issue certificates: set key_env (the "
                       "variable that holds the key's PEM text, e.g. from Ansible Vault) or key (a file)");
  }
  return source;
}

}  // namespace mosq::spec
