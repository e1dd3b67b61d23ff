#include "crypto/distinguished_name.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace mosq::crypto;

TEST_CASE("supported attributes are listed in issuing order", "[crypto][dn]") {
  CHECK(supported_name_attributes() ==
        std::vector<std::string>{"C", "ST", "L", "O", "OU", "CN", "emailAddress"});
}

TEST_CASE("canonical_order sorts into issuing order, stably, unknown types last", "[crypto][dn]") {
  const DistinguishedName given{
      {"CN", "mqtt"},  {"x-unknown", "1"}, {"OU", "second"}, {"emailAddress", "e"}, {"C", "JP"},
      {"OU", "first"}, {"1.2.3.4", "2"},   {"ST", "Tokyo"},  {"O", "Ficus"},        {"L", "東京"}};
  const DistinguishedName expected{{"C", "JP"},     {"ST", "Tokyo"},       {"L", "東京"},
                                   {"O", "Ficus"},  {"OU", "second"},      {"OU", "first"},
                                   {"CN", "mqtt"},  {"emailAddress", "e"}, {"x-unknown", "1"},
                                   {"1.2.3.4", "2"}};
  CHECK(canonical_order(given) == expected);
  CHECK(canonical_order(expected) == expected);
  CHECK(canonical_order({}).empty());
}

TEST_CASE("same_name ignores order but not values or repetitions", "[crypto][dn]") {
  const DistinguishedName a{{"C", "JP"}, {"O", "Ficus"}, {"CN", "mqtt"}};
  CHECK(same_name(a, a));
  CHECK(same_name(a, {{"CN", "mqtt"}, {"C", "JP"}, {"O", "Ficus"}}));
  CHECK_FALSE(same_name(a, {{"C", "JP"}, {"O", "Ficus"}}));
  CHECK_FALSE(same_name(a, {{"C", "JP"}, {"O", "ficus"}, {"CN", "mqtt"}}));
  CHECK_FALSE(same_name(a, {{"C", "JP"}, {"OU", "Ficus"}, {"CN", "mqtt"}}));
  CHECK_FALSE(same_name({{"OU", "x"}, {"OU", "x"}}, {{"OU", "x"}, {"OU", "y"}}));
  CHECK(same_name({{"OU", "y"}, {"OU", "x"}}, {{"OU", "x"}, {"OU", "y"}}));
  CHECK(same_name({}, {}));
}

TEST_CASE("format_name writes issuing order for people", "[crypto][dn]") {
  CHECK(format_name({{"CN", "User-PC.local"}, {"C", "JP"}, {"O", "FicusOnline"}}) ==
        "C=JP, O=FicusOnline, CN=User-PC.local");
  CHECK(format_name({{"CN", "センサー"}, {"L", "東京"}}) == "L=東京, CN=センサー");
  CHECK(format_name({}).empty());
}
