#include "spec/yaml_scalar.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

namespace mosq::spec {

TEST_CASE("plain scalars resolve as YAML 1.1 loaders resolve them", "[spec]") {
  CHECK(resolve_plain_scalar("") == ScalarType::null);
  CHECK(resolve_plain_scalar("~") == ScalarType::null);
  CHECK(resolve_plain_scalar("Null") == ScalarType::null);
  for (const char* word : {"yes", "No", "ON", "off", "true", "False"}) {
    CHECK(resolve_plain_scalar(word) == ScalarType::boolean);
  }
  CHECK(resolve_plain_scalar("y") == ScalarType::string);  // YAML 1.1 type repo, but not PyYAML
  CHECK(resolve_plain_scalar("8883") == ScalarType::integer);
  CHECK(resolve_plain_scalar("-1") == ScalarType::integer);
  CHECK(resolve_plain_scalar("0x1F") == ScalarType::integer);
  CHECK(resolve_plain_scalar("1:30") == ScalarType::integer);  // sexagesimal
  CHECK(resolve_plain_scalar("2.0") == ScalarType::floating);
  CHECK(resolve_plain_scalar(".inf") == ScalarType::floating);
  CHECK(resolve_plain_scalar("2024-01-31") == ScalarType::timestamp);
  CHECK(resolve_plain_scalar("127.0.0.1") == ScalarType::string);
  CHECK(resolve_plain_scalar("tlsv1.2") == ScalarType::string);
  CHECK(resolve_plain_scalar("ec-p256") == ScalarType::string);
  CHECK(resolve_plain_scalar("User-PC.local") == ScalarType::string);
}

TEST_CASE("quoting and explicit tags decide a scalar's type", "[spec]") {
  const YAML::Node node = YAML::Load(
      "plain: 8883\nquoted: \"8883\"\nsingle: 'no'\nblock: |\n  text\ntagged: !!str 5\nint: !!int 7\n"
      "custom: !thing x\nempty:\n");
  CHECK(scalar_type(node["plain"]) == ScalarType::integer);
  CHECK(scalar_type(node["quoted"]) == ScalarType::string);
  CHECK(scalar_type(node["single"]) == ScalarType::string);
  CHECK(scalar_type(node["block"]) == ScalarType::string);
  CHECK(scalar_type(node["tagged"]) == ScalarType::string);
  CHECK(scalar_type(node["int"]) == ScalarType::integer);
  CHECK(scalar_type(node["custom"]) == ScalarType::unsupported_tag);
  CHECK(scalar_type(node["empty"]) == ScalarType::null);
}

TEST_CASE("parse_yaml_bool", "[spec]") {
  CHECK(parse_yaml_bool("yes") == true);
  CHECK(parse_yaml_bool("OFF") == false);
  CHECK_FALSE(parse_yaml_bool("yEs"));
  CHECK_FALSE(parse_yaml_bool("1"));
}

}  // namespace mosq::spec
