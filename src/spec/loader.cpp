#include "spec/loader.h"

#include "spec/diagnostics.h"
#include "spec/rules.h"
#include "spec/section_readers.h"
#include "spec/yaml_reader.h"
#include "spec/yaml_tree.h"

namespace mosq::spec {
namespace {

constexpr long long k_spec_version = 1;

// The one YAML document of the spec; nullptr (reported) when the text is
// not YAML, is empty, or holds several documents.
const YamlNode* parse_document(const std::string& yaml_text, YamlDocuments& yaml, Diagnostics& diagnostics) {
  if (!yaml.parse(yaml_text, diagnostics)) {
    return nullptr;
  }
  const auto& documents = yaml.roots();
  if (documents.empty() || (documents.size() == 1 && documents.front()->is_null())) {
    diagnostics.add(Mark{1, 1}, "", "the spec is empty; expected a mapping starting with version: 1");
    return nullptr;
  }
  if (documents.size() > 1) {
    const Mark second = mark_of(*documents[1]);
    diagnostics.add(second.line > 0 ? second : Mark{1, 1}, "",
                    "expected one YAML document, found " + std::to_string(documents.size()) +
                        " (remove the --- separator)");
    return nullptr;
  }
  return documents.front();
}

void read_version(YamlReader& reader, const Located& at) {
  const auto version = reader.integer(at);
  if (version && *version != k_spec_version) {
    reader.error(at, "unsupported spec version " + std::to_string(*version) + "; this mosq-reconcile reads version " +
                         std::to_string(k_spec_version));
  }
}

}  // namespace

Spec load_spec(const std::string& file, const std::string& yaml_text) {
  Diagnostics diagnostics(file);
  YamlDocuments yaml;
  const YamlNode* document = parse_document(yaml_text, yaml, diagnostics);
  diagnostics.throw_if_any();

  Locations locations;
  YamlReader reader(diagnostics, locations);
  Spec spec;
  spec.source_file = file;
  const Mark root_mark = mark_of(*document);
  const Located root{document, "", root_mark, root_mark};
  if (!document->is_map()) {
    const char* got = document->is_sequence() ? "a list" : "a single value";
    diagnostics.add(root_mark.line > 0 ? root_mark : Mark{1, 1}, "",
                    std::string("expected a mapping at the top level (version:, broker:, listeners:, users:, "
                                "tls:, acl:), got ") +
                        got);
    diagnostics.throw_if_any();
  }
  const MappingReader fields(reader, root, {"version", "broker", "listeners", "users", "tls", "acl"});
  if (const auto version = fields.required("version")) {
    read_version(reader, *version);
  }
  if (const auto broker = fields.required("broker")) {
    spec.broker = read_broker(reader, *broker);
  }
  if (const auto listeners = fields.optional("listeners")) {
    spec.listeners = read_listeners(reader, *listeners);
  }
  if (const auto users = fields.optional("users")) {
    spec.users = read_users(reader, *users);
  }
  if (const auto tls = fields.optional("tls")) {
    spec.tls = read_tls(reader, *tls);
  }
  if (const auto acl = fields.optional("acl")) {
    spec.acl = read_acl(reader, *acl);
  }
  check_rules(spec, reader);
  diagnostics.throw_if_any();
  return spec;
}

}  // namespace mosq::spec
