#include "spec/yaml_scalar.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <regex>

namespace mosq::spec {
namespace {

constexpr std::string_view k_tag_prefix = "tag:yaml.org,2002:";

// PyYAML's implicit resolvers (yaml/resolver.py), anchored.
const std::regex& int_pattern() {
  static const std::regex pattern(
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
      "[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  return pattern;
}

const std::regex& float_pattern() {
  static const std::regex pattern(
      "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|"
      "[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
  return pattern;
}

const std::regex& timestamp_pattern() {
  static const std::regex pattern(
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|"
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
      "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?");
  return pattern;
}

}  // namespace

std::optional<bool> parse_yaml_bool(std::string_view text) {
  static constexpr std::array<std::string_view, 9> k_true{"yes", "Yes", "YES", "true", "True",
                                                         "TRUE", "on",  "On",  "ON"};
  static constexpr std::array<std::string_view, 9> k_false{"no",    "No",    "NO",  "false", "False",
                                                          "FALSE", "off",   "Off", "OFF"};
  for (const auto word : k_true) {
    if (text == word) {
      return true;
    }
  }
  for (const auto word : k_false) {
    if (text == word) {
      return false;
    }
  }
  return std::nullopt;
}

ScalarType resolve_plain_scalar(std::string_view text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return ScalarType::null;
  }
  if (parse_yaml_bool(text)) {
    return ScalarType::boolean;
  }
  const std::string owned(text);
  if (std::regex_match(owned, int_pattern())) {
    return ScalarType::integer;
  }
  if (std::regex_match(owned, float_pattern())) {
    return ScalarType::floating;
  }
  if (std::regex_match(owned, timestamp_pattern())) {
    return ScalarType::timestamp;
  }
  return ScalarType::string;
}

ScalarType scalar_type(const YAML::Node& node) {
  if (node.IsNull()) {
    return ScalarType::null;
  }
  const std::string& tag = node.Tag();
  if (tag == "?") {
    return resolve_plain_scalar(node.Scalar());
  }
  if (tag == "!" || tag.empty()) {
    return ScalarType::string;
  }
  if (tag.compare(0, k_tag_prefix.size(), k_tag_prefix) == 0) {
    const std::string_view kind = std::string_view(tag).substr(k_tag_prefix.size());
    if (kind == "str") {
      return ScalarType::string;
    }
    if (kind == "int") {
      return ScalarType::integer;
    }
    if (kind == "float") {
      return ScalarType::floating;
    }
    if (kind == "bool") {
      return ScalarType::boolean;
    }
    if (kind == "null") {
      return ScalarType::null;
    }
    if (kind == "timestamp") {
      return ScalarType::timestamp;
    }
  }
  return ScalarType::unsupported_tag;
}

std::string_view scalar_type_name(ScalarType type) {
  switch (type) {
    case ScalarType::null:
      return "nothing (null)";
    case ScalarType::boolean:
      return "a boolean";
    case ScalarType::integer:
      return "an integer";
    case ScalarType::floating:
      return "a number";
    case ScalarType::string:
      return "a string";
    case ScalarType::timestamp:
      return "a date";
    case ScalarType::unsupported_tag:
      return "a value with an unsupported tag";
  }
  return "a value";
}

}  // namespace mosq::spec
