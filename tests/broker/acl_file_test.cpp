#include "broker/acl_file.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "util/error.h"

using namespace mosq::broker;
using mosq::spec::AclAccess;

namespace {

AclRule user_rule(const std::string& user, AclAccess access, const std::string& topic) {
  return {AclScope::user, user, access, topic};
}
AclRule pattern(AclAccess access, const std::string& topic) { return {AclScope::pattern, "", access, topic}; }
AclRule anonymous(AclAccess access, const std::string& topic) { return {AclScope::anonymous, "", access, topic}; }

std::vector<AclRule> rules_of(const AclFileContent& content) {
  std::vector<AclRule> out;
  for (const AclLine& line : content.rules) out.push_back(line.rule);
  return out;
}

}  // namespace

TEST_CASE("ACL reader: topic lines before the first user line are anonymous, patterns apply anywhere",
          "[broker][acl]") {
  const AclFileContent content = parse_acl_file(
      "# a comment\n"
      "topic read public/#\n"
      "\n"
      "user sensor-7\n"
      "topic write sensors/7/#\n"
      "pattern readwrite devices/%u/#\n"
      "topic deny sensors/7/secret\n"
      "user dash board\n"
      "topic sensors/#\n");
  CHECK(content.problems.empty());
  CHECK(rules_of(content) == std::vector<AclRule>{anonymous(AclAccess::read, "public/#"),
                                                  user_rule("sensor-7", AclAccess::write, "sensors/7/#"),
                                                  pattern(AclAccess::readwrite, "devices/%u/#"),
                                                  user_rule("sensor-7", AclAccess::deny, "sensors/7/secret"),
                                                  // the name is the rest of the line; no access: readwrite
                                                  user_rule("dash board", AclAccess::readwrite, "sensors/#")});
  CHECK(content.rules[1].number == 5);
}

TEST_CASE("ACL reader: spacing as 2.0.11's strtok_r and trimming read it", "[broker][acl]") {
  SECTION("several spaces between tokens, trailing blanks and CRLF") {
    const auto content = parse_acl_file("user  u1 \r\n  topic   read    a/b  \t\r\n");
    CHECK(content.problems.empty());
    CHECK(rules_of(content) == std::vector<AclRule>{user_rule("u1", AclAccess::read, "a/b")});
  }
  SECTION("the filter is the rest of the line: inner spaces are kept") {
    CHECK(rules_of(parse_acl_file("topic write a b/c\n")) ==
          std::vector<AclRule>{anonymous(AclAccess::write, "a b/c")});
  }
  SECTION("'topic read' alone grants readwrite on the topic named 'read'") {
    CHECK(rules_of(parse_acl_file("topic read\n")) == std::vector<AclRule>{anonymous(AclAccess::readwrite, "read")});
  }
  SECTION("'#' starts a comment only in the first column") {
    const auto content = parse_acl_file(" # indented\n");
    REQUIRE(content.problems.size() == 1);
    CHECK(content.problems[0].number == 1);
    CHECK(content.problems[0].problem == "not a topic, pattern or user line");
  }
  SECTION("a tab is not a separator: the line is not understood") {
    const auto content = parse_acl_file("topic\tread a\n");
    REQUIRE(content.problems.size() == 1);
  }
  SECTION("a last line without a newline is read") {
    CHECK(rules_of(parse_acl_file("topic deny x")) == std::vector<AclRule>{anonymous(AclAccess::deny, "x")});
  }
}

TEST_CASE("ACL reader: every line 2.0.11 refuses is a problem with its line number", "[broker][acl]") {
  const auto content = parse_acl_file(
      "topic\n"                 // 1: empty topic
      "topic wirte a/b\n"       // 2: unknown access
      "topic read a/#/b\n"      // 3: '#' not last
      "pattern read a+/b\n"     // 4: '+' not a whole level
      "user\n"                  // 5: missing name
      "allow everything\n"      // 6: unknown line
      + std::string("topic read a\0b\n", 15) +  // 7: NUL
      "topic read ok\n");
  REQUIRE(content.problems.size() == 7);
  CHECK(content.problems[0].problem == "empty topic");
  CHECK(content.problems[1].problem == "invalid topic access type 'wirte'");
  CHECK(content.problems[2].problem == "invalid topic filter 'a/#/b': '#' must be the last topic level");
  CHECK(content.problems[3].problem == "invalid topic filter 'a+/b': '+' must be a whole topic level (byte 2)");
  CHECK(content.problems[4].problem == "missing user name");
  CHECK(content.problems[5].number == 6);
  CHECK(content.problems[6].number == 7);
  CHECK(rules_of(content) == std::vector<AclRule>{anonymous(AclAccess::read, "ok")});
}

TEST_CASE("ACL renderer: deterministic, sections in a fixed order, each rule once", "[broker][acl]") {
  const std::vector<AclRule> rules{user_rule("sensor-7", AclAccess::write, "sensors/7/#"),
                                   pattern(AclAccess::readwrite, "devices/%u/#"),
                                   anonymous(AclAccess::read, "public/#"),
                                   user_rule("dashboard", AclAccess::read, "sensors/#"),
                                   user_rule("sensor-7", AclAccess::read, "sensors/7/cmd"),
                                   user_rule("sensor-7", AclAccess::write, "sensors/7/#")};
  const std::string text = render_acl_file(rules);
  CHECK(text ==
        "# Managed by mosq-reconcile. Do not edit: the next run puts it back.\n"
        "\n# Clients without a user name\n"
        "topic read public/#\n"
        "\n# Every user (%u: user name, %c: client id)\n"
        "pattern readwrite devices/%u/#\n"
        "\nuser sensor-7\n"
        "topic write sensors/7/#\n"
        "topic read sensors/7/cmd\n"
        "\nuser dashboard\n"
        "topic read sensors/#\n");
  CHECK(render_acl_file(rules) == text);
  const auto back = parse_acl_file(text);
  CHECK(back.problems.empty());
  CHECK(back.rules.size() == 5);
}

TEST_CASE("ACL renderer: no rules is a file that denies everything, and parses", "[broker][acl]") {
  const std::string text = render_acl_file({});
  CHECK(text == "# Managed by mosq-reconcile. Do not edit: the next run puts it back.\n");
  CHECK(parse_acl_file(text).rules.empty());
  CHECK(parse_acl_file(text).problems.empty());
}

TEST_CASE("ACL renderer: a value that would change the file's meaning is refused (second net)",
          "[broker][acl]") {
  for (const std::string& topic : {std::string("a\nuser root"), std::string(" a"), std::string("a "),
                                   std::string(""), std::string("a/#/b"), std::string("a+")}) {
    CAPTURE(topic);
    CHECK_THROWS_AS(render_acl_file({anonymous(AclAccess::read, topic)}), mosq::Error);
  }
  for (const std::string& user : {std::string(""), std::string("u\ntopic readwrite #"), std::string(" u")}) {
    CAPTURE(user);
    CHECK_THROWS_AS(render_acl_file({user_rule(user, AclAccess::read, "a")}), mosq::Error);
  }
}

TEST_CASE("check_acl_text: refuses text that does not parse or grants other rules", "[broker][acl]") {
  const std::vector<AclRule> rules{user_rule("u", AclAccess::read, "a/#")};
  CHECK_NOTHROW(check_acl_text("user u\ntopic read a/#\n", rules));
  CHECK_THROWS_WITH(check_acl_text("user u\ntopic raed a/#\n", rules),
                    Catch::Contains("does not parse (line 2: invalid topic access type 'raed')"));
  CHECK_THROWS_WITH(check_acl_text("user u\ntopic readwrite a/#\n", rules),
                    Catch::Contains("does not grant exactly the planned rules"));
  CHECK_THROWS_WITH(check_acl_text("topic read a/#\n", rules), Catch::Contains("does not grant exactly"));
}
