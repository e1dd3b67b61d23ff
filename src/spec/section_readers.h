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
std::vector<User> read_users(YamlReader& reader, const Located& users);
std::optional<Tls> read_tls(YamlReader& reader, const Located& tls);
Acl read_acl(YamlReader& reader, const Located& acl);

// A list of ACL rules ({topic, access}); `pattern` rules may hold %u / %c.
enum class AclRuleKind { topic, pattern };
std::vector<AclRuleSpec> read_acl_rules(YamlReader& reader, const Located& rules, AclRuleKind kind);

// An environment variable name: [A-Za-z_][A-Za-z0-9_]*.
std::optional<std::string> read_env_name(YamlReader& reader, const Located& at);

}  // namespace mosq::spec
