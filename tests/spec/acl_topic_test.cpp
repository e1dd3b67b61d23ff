#include "spec/acl_topic.h"

#include <catch2/catch.hpp>

using mosq::spec::acl_topic_problem;
using mosq::spec::broker_topic_filter_problem;

TEST_CASE("ACL topic filters: what 2.0.11's parser refuses", "[spec][acl]") {
  for (const char* good : {"a", "#", "+", "a/+/b", "a/#", "/", "a//b", "+/+/#", "$SYS/#", "a b/c"}) {
    CAPTURE(good);
    CHECK_FALSE(broker_topic_filter_problem(good));
    CHECK_FALSE(acl_topic_problem(good, false));
  }
  CHECK(broker_topic_filter_problem("a/#/b") == "'#' must be the last topic level");
  CHECK(broker_topic_filter_problem("a#") == "'#' must be a whole topic level (byte 2)");
  CHECK(broker_topic_filter_problem("a/+b") == "'+' must be a whole topic level (byte 3)");
  CHECK(broker_topic_filter_problem(std::string(65536, 'a')) == "longer than 65535 bytes");
  std::string deep = "a";
  for (int i = 0; i < 200; ++i) deep += "/a";
  CHECK_FALSE(broker_topic_filter_problem(deep));  // 200 '/': the limit
  CHECK(broker_topic_filter_problem(deep + "/a") == "more than 201 topic levels");
}

TEST_CASE("ACL topic filters: what the spec refuses besides", "[spec][acl]") {
  CHECK(acl_topic_problem("", false) == "an empty topic filter");
  CHECK(acl_topic_problem(std::string("a\0b", 3), false) == "a NUL byte");
  CHECK(acl_topic_problem(" a", false) == "starts or ends with a space (the broker's parser trims it)");
  CHECK(acl_topic_problem("a ", true) == "starts or ends with a space (the broker's parser trims it)");
  CHECK(acl_topic_problem("a\tb", false).value().find("control character") != std::string::npos);
  CHECK(acl_topic_problem("\xff", false).value().find("UTF-8") != std::string::npos);
  SECTION("%u and %c: whole levels, and only in patterns") {
    CHECK_FALSE(acl_topic_problem("devices/%u/#", true));
    CHECK_FALSE(acl_topic_problem("%c", true));
    CHECK_FALSE(acl_topic_problem("a/%u/%c", true));
    CHECK(acl_topic_problem("devices/%u/#", false) ==
          "%u is replaced only in acl.patterns; in this rule the broker takes it literally");
    CHECK(acl_topic_problem("c/%c", false) ==
          "%c is replaced only in acl.patterns; in this rule the broker takes it literally");
    CHECK(acl_topic_problem("dev-%u", true) == "%u must be a whole topic level (it is in 'dev-%u')");
    CHECK(acl_topic_problem("a/%c%u", true) == "%u must be a whole topic level (it is in '%c%u')");
    CHECK_FALSE(acl_topic_problem("100%/x", false));  // a '%' alone is just a character
  }
}
