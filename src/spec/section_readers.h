// One reader per section of broker.yaml. Each reads what it can, reports
// every problem to the reader's diagnostics, and fills in defaults.
#pragma once

#include <optional>
#include <vector>

#include "spec/spec.h"
#include "spec/yaml_reader.h"

namespace mosq::spec {

Broker read_broker(YamlReader& reader, const Located& broker);
std::vector<Listener> read_listeners(YamlReader& reader, const Located& listeners);
// On up to `workers` threads for a long list (each reads a run of users
// with its own diagnostics and locations, taken back in list order).
std::vector<User> read_users(YamlReader& reader, const Located& users, unsigned workers);
std::optional<Tls> read_tls(YamlReader& reader, const Located& tls);
Acl read_acl(YamlReader& reader, const Located& acl);

// A list of ACL rules ({topic, access}); `pattern` rules may hold %u / %c.
enum class AclRuleKind { topic, pattern };
std::vector<AclRuleSpec> read_acl_rules(YamlReader& reader, const Located& rules, AclRuleKind kind);

// An environment variable name: [A-Za-z_][A-Za-z0-9_]*.
std::optional<std::string> read_env_name(YamlReader& reader, const Located& at);

}  // namespace mosq::spec
