#include "spec/did_you_mean.h"

#include <catch2/catch.hpp>

namespace mosq::spec {

TEST_CASE("edit_distance counts edits, a swap of neighbours as one, ignoring case", "[spec]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("port", "port") == 0);
  CHECK(edit_distance("CN", "cn") == 0);
  CHECK(edit_distance("pasword_file", "password_file") == 1);
  CHECK(edit_distance("prot", "port") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("did_you_mean suggests only likely typos", "[spec]") {
  const std::vector<std::string> fields{"config_file", "password_file", "allow_anonymous", "owner", "group"};
  CHECK(did_you_mean("pasword_file", fields) == "password_file");
  CHECK(did_you_mean("allow_anonymus", fields) == "allow_anonymous");
  CHECK(did_you_mean("onwer", fields) == "owner");
  CHECK_FALSE(did_you_mean("colour", fields));
  const std::vector<std::string> attributes{"C", "ST", "L", "O", "OU", "CN", "emailAddress"};
  CHECK(did_you_mean("cn", attributes) == "CN");
  CHECK(did_you_mean("EmailAddress", attributes) == "emailAddress");
  CHECK_FALSE(did_you_mean("X", attributes));  // one letter away from C, L and O: no guess
}

TEST_CASE("did_you_mean prefers the closest, then the earliest candidate", "[spec]") {
  CHECK(did_you_mean("tlsv1.4", {"tlsv1.2", "tlsv1.3"}) == "tlsv1.2");
  CHECK(did_you_mean("users", {"user", "users_list"}) == "user");
}

}  // namespace mosq::spec
