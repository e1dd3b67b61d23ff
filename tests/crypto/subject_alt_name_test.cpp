#include "crypto/subject_alt_name.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using mosq::crypto::canonical_subject_alt_name;
using mosq::crypto::same_subject_alt_names;

namespace {

std::string canonical(const std::string& text) {
  std::string why;
  const auto result = canonical_subject_alt_name(text, &why);
  INFO(text << ": " << why);
  REQUIRE(result.has_value());
  CHECK(why.empty());
  return *result;
}

std::string rejection(const std::string& text) {
  std::string why;
  const auto result = canonical_subject_alt_name(text, &why);
  INFO(text);
  CHECK_FALSE(result.has_value());
  CHECK(why.rfind(text + ": ", 0) == 0);  // names the entry first
  return why;
}

}  // namespace

TEST_CASE("DNS names are lower-cased with an upper-case prefix", "[crypto][san]") {
  CHECK(canonical("DNS:mqtt.example.com") == "DNS:mqtt.example.com");
  CHECK(canonical("dns:MQTT.Example.COM") == "DNS:mqtt.example.com");
  CHECK(canonical("Dns:localhost") == "DNS:localhost");
  CHECK(canonical("DNS:*.example.com") == "DNS:*.example.com");
  CHECK(canonical("DNS:user-pc.local") == "DNS:user-pc.local");
  CHECK(canonical("DNS:3com.example") == "DNS:3com.example");
  CHECK(canonical("DNS:xn--bcher-kva.example") == "DNS:xn--bcher-kva.example");
  const std::string label63(63, 'a');
  CHECK(canonical("DNS:" + label63 + ".example") == "DNS:" + label63 + ".example");
}

TEST_CASE("malformed DNS names are refused with a reason", "[crypto][san]") {
  CHECK(rejection("DNS:") == "DNS:: empty DNS name");
  CHECK(rejection("DNS:a..b") == "DNS:a..b: empty label");
  CHECK(rejection("DNS:.example.com") == "DNS:.example.com: empty label");
  CHECK(rejection("DNS:example.com.") == "DNS:example.com.: empty label");
  CHECK(rejection("DNS:-bad.example") == "DNS:-bad.example: label starts or ends with '-'");
  CHECK(rejection("DNS:bad-.example") == "DNS:bad-.example: label starts or ends with '-'");
  CHECK(rejection("DNS:" + std::string(64, 'a') + ".example").find("longer than 63") !=
        std::string::npos);
  CHECK(rejection("DNS:" + std::string(300, 'a')).find("longer than 253") != std::string::npos);
  CHECK(rejection("DNS:under_score.example").find("invalid character") != std::string::npos);
  CHECK(rejection("DNS:host name").find("invalid character") != std::string::npos);
  CHECK(rejection("DNS:東京.example").find("invalid character") != std::string::npos);
  // The wildcard is only a whole, leading label.
  CHECK(rejection("DNS:*").find("'*'") != std::string::npos);
  CHECK(rejection("DNS:*.") == "DNS:*.: empty label");
  CHECK(rejection("DNS:a.*.example").find("'*'") != std::string::npos);
  CHECK(rejection("DNS:*mqtt.example").find("'*'") != std::string::npos);
  CHECK(rejection("DNS:*.*.example").find("'*'") != std::string::npos);
}

TEST_CASE("IP addresses take inet_ntop form", "[crypto][san]") {
  CHECK(canonical("IP:192.0.2.1") == "IP:192.0.2.1");
  CHECK(canonical("ip:127.0.0.1") == "IP:127.0.0.1");
  CHECK(canonical("IP:::1") == "IP:::1");
  CHECK(canonical("IP:::0001") == "IP:::1");
  CHECK(canonical("IP:2001:0DB8:0000:0000:0000:0000:0000:0001") == "IP:2001:db8::1");
  CHECK(canonical("IP:fe80:0:0:0:0:0:0:1") == "IP:fe80::1");
  CHECK(canonical("IP:::ffff:192.0.2.1") == "IP:::ffff:192.0.2.1");
}

TEST_CASE("malformed IP addresses are refused with a reason", "[crypto][san]") {
  CHECK(rejection("IP:1.2.3") == "IP:1.2.3: not an IPv4 or IPv6 address");
  for (const char* bad :
       {"IP:", "IP:256.1.1.1", "IP:1.2.3.4.5", "IP:example.com", "IP:2001:db8::1::2",
        "IP:fe80::1%eth0", "IP: 192.0.2.1", "IP:192.0.2.1/24"}) {
    CHECK(rejection(bad) == std::string(bad) + ": not an IPv4 or IPv6 address");
  }
}

TEST_CASE("entries need a DNS: or IP: prefix", "[crypto][san]") {
  CHECK(rejection("x") == "x: expected DNS: or IP:");
  CHECK(rejection("mqtt.example.com") == "mqtt.example.com: expected DNS: or IP:");
  CHECK(rejection("email:a@example.com") == "email:a@example.com: expected DNS: or IP:");
  CHECK(rejection("URI:https://example.com") == "URI:https://example.com: expected DNS: or IP:");
  // A null why is allowed.
  CHECK_FALSE(canonical_subject_alt_name("x", nullptr).has_value());
}

TEST_CASE("same_subject_alt_names compares canonical sets", "[crypto][san]") {
  CHECK(same_subject_alt_names({}, {}));
  CHECK(same_subject_alt_names({"DNS:a.example", "IP:::1"}, {"IP:::0001", "dns:A.Example"}));
  CHECK(same_subject_alt_names({"DNS:a.example", "DNS:a.example"}, {"DNS:a.example"}));
  CHECK_FALSE(same_subject_alt_names({"DNS:a.example"}, {"DNS:a.example", "IP:192.0.2.1"}));
  CHECK_FALSE(same_subject_alt_names({"DNS:a.example"}, {"DNS:b.example"}));
  CHECK_FALSE(same_subject_alt_names({"IP:192.0.2.1"}, {"DNS:192.0.2.1"}));
  // Entries that are not DNS/IP compare as written.
  CHECK(same_subject_alt_names({"URI:https://x"}, {"URI:https://x"}));
  CHECK_FALSE(same_subject_alt_names({"DNS:a.example", "URI:https://x"}, {"DNS:a.example"}));
}
