// What type a YAML scalar has, resolved the way YAML 1.1 loaders (PyYAML,
// and so the schema check) resolve it. yaml-cpp hands back text only, so
// without this `port: "8883"` would pass as an integer and `name: no` as a
// string, while a schema validator sees a string and a boolean.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mosq::spec {

struct YamlNode;

enum class ScalarType { null, boolean, integer, floating, string, timestamp, unsupported_tag };

// The type of a scalar (or null) node, from its tag: quoted and block
// scalars are strings, explicit standard tags (!!str, !!int, ...) are
// honoured, plain scalars are resolved with the YAML 1.1 rules.
ScalarType scalar_type(const YamlNode& node);

// The YAML 1.1 type of plain (unquoted) text.
ScalarType resolve_plain_scalar(std::string_view text);

// "an integer", "a boolean", ... for messages.
std::string_view scalar_type_name(ScalarType type);

// A plain YAML 1.1 boolean's value (yes/no/on/off/true/false, any of their
// three case forms); nullopt when the text is not one.
std::optional<bool> parse_yaml_bool(std::string_view text);

}  // namespace mosq::spec
