#include "spec/yaml_scalar.h"

#include <catch2/catch.hpp>
#include <random>
#include <regex>

#include "spec/yaml_tree.h"

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
  YamlDocuments yaml;
  Diagnostics diagnostics("t.yaml");
  REQUIRE(yaml.parse(
      "plain: 8883\nquoted: \"8883\"\nsingle: 'no'\nblock: |\n  text\ntagged: !!str 5\nint: !!int 7\n"
      "custom: !thing x\nempty:\n",
      diagnostics));
  REQUIRE(yaml.roots().size() == 1);
  const auto type_of = [&](const std::string& key) {
    for (const auto& [name, value] : yaml.roots().front()->entries) {
      if (name->scalar == key) return scalar_type(*value);
    }
    FAIL("no " << key);
    return ScalarType::unsupported_tag;
  };
  CHECK(type_of("plain") == ScalarType::integer);
  CHECK(type_of("quoted") == ScalarType::string);
  CHECK(type_of("single") == ScalarType::string);
  CHECK(type_of("block") == ScalarType::string);
  CHECK(type_of("tagged") == ScalarType::string);
  CHECK(type_of("int") == ScalarType::integer);
  CHECK(type_of("custom") == ScalarType::unsupported_tag);
  CHECK(type_of("empty") == ScalarType::null);
}

// The resolver once used these regexes (PyYAML's, anchored); the hand-written
// matchers that replaced them (std::regex overflowed the stack on long
// scalars) must agree with them on every short text.
TEST_CASE("plain scalar resolution agrees with PyYAML's regexes on random short texts", "[spec]") {
  const std::regex int_re(
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
      "[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  const std::regex float_re(
      "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|"
      "[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
  const std::regex time_re(
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|"
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
      "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?");
  auto expected = [&](const std::string& text) {
    if (std::regex_match(text, int_re)) return ScalarType::integer;
    if (std::regex_match(text, float_re)) return ScalarType::floating;
    if (std::regex_match(text, time_re)) return ScalarType::timestamp;
    return ScalarType::string;
  };
  // Texts built from the characters the patterns care about, and from
  // pieces of real values, so that matches are frequent.
  const std::vector<std::string> pieces{"0", "1", "7", "9", "5", "_", "-", "+", ".", ":", "e", "E", "x", "b",
                                        "a", "F", "T", "t", " ", "\t", "Z", "inf", "nan", "NaN", "2024", "12",
                                        "59", "60", ":30", "-01", "0b1", "0x1f", ".5", "e+1"};
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<std::size_t> count(1, 7);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  int matched = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    for (std::size_t n = count(rng); n > 0; --n) text += pieces[pick(rng)];
    if (text.empty() || text == "~" || parse_yaml_bool(text) || text == "null") continue;
    const ScalarType want = expected(text);
    matched += want != ScalarType::string;
    if (resolve_plain_scalar(text) != want) {
      FAIL_CHECK("'" << text << "' resolved differently from PyYAML's patterns");
    }
  }
  CHECK(matched > 10000);  // the sample did exercise the matchers
  for (const char* text : {"2024-1-2 3:04:05", "2024-01-02T03:04:05.5Z", "2024-01-02t03:04:05 +09:00",
                           "2024-01-02 03:04:05 -9", "190:20:30.15", "-1:30", "1:60", "0o7", "1e5", "1.0e5",
                           "1.0e+5", "._1", "+.inf", "-.nan"}) {
    CHECK(resolve_plain_scalar(text) == expected(text));
  }
}

TEST_CASE("parse_yaml_bool", "[spec]") {
  CHECK(parse_yaml_bool("yes") == true);
  CHECK(parse_yaml_bool("OFF") == false);
  CHECK_FALSE(parse_yaml_bool("yEs"));
  CHECK_FALSE(parse_yaml_bool("1"));
}

}  // namespace mosq::spec
