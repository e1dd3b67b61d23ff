#include "spec/acl_topic.h"
#include "spec/section_readers.h"

namespace mosq::spec {
namespace {

std::optional<AclAccess> read_access(YamlReader& reader, const Located& at) {
  const auto value = reader.one_of(at, {"read", "write", "readwrite", "deny"});
  if (!value) return std::nullopt;
  if (*value == "read") return AclAccess::read;
  if (*value == "write") return AclAccess::write;
  if (*value == "readwrite") return AclAccess::readwrite;
  return AclAccess::deny;
}

std::optional<AclRuleSpec> read_rule(YamlReader& reader, const Located& at, AclRuleKind kind) {
  const MappingReader fields(reader, at, {"topic", "access"});
  if (!fields.is_mapping()) return std::nullopt;
  AclRuleSpec rule;
  rule.mark = at.field_mark;
  bool ok = true;
  if (const auto topic = fields.required("topic")) {
    const auto text = reader.string(*topic);
    if (text) {
      if (const auto problem = acl_topic_problem(*text, kind == AclRuleKind::pattern)) {
        reader.error(*topic, "not a topic filter Mosquitto 2.0 reads back as given: " + *problem);
        ok = false;
      }
      rule.topic = *text;
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const auto access = fields.required("access")) {
    const auto value = read_access(reader, *access);
    ok = ok && value.has_value();
    rule.access = value.value_or(AclAccess::deny);
  } else {
    ok = false;
  }
  if (!ok) return std::nullopt;
  return rule;
}

}  // namespace

std::vector<AclRuleSpec> read_acl_rules(YamlReader& reader, const Located& rules, AclRuleKind kind) {
  std::vector<AclRuleSpec> result;
  if (const auto items = reader.list(rules)) {
    for (const auto& item : *items) {
      if (auto rule = read_rule(reader, item, kind)) result.push_back(std::move(*rule));
    }
  }
  return result;
}

Acl read_acl(YamlReader& reader, const Located& acl) {
  Acl result;
  const MappingReader fields(reader, acl, {"patterns", "anonymous"});
  if (const auto patterns = fields.optional("patterns")) {
    result.patterns = read_acl_rules(reader, *patterns, AclRuleKind::pattern);
  }
  if (const auto anonymous = fields.optional("anonymous")) {
    result.anonymous = read_acl_rules(reader, *anonymous, AclRuleKind::topic);
  }
  return result;
}

}  // namespace mosq::spec
