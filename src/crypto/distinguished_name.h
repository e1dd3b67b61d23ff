// A certificate subject as the spec states it: attribute type -> UTF-8 value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosq::crypto {

struct NameAttribute {
  std::string type;   // "C", "ST", "L", "O", "OU", "CN", "emailAddress"
  std::string value;  // UTF-8
  friend bool operator==(const NameAttribute& a, const NameAttribute& b) {
    return a.type == b.type && a.value == b.value;
  }
};

// Attributes in the order they appear in the certificate. Issuing sorts
// them into the conventional order C, ST, L, O, OU, CN, emailAddress.
using DistinguishedName = std::vector<NameAttribute>;

// The attribute types the spec accepts, in issuing order.
const std::vector<std::string>& supported_name_attributes();

// The same attributes with the same values, whatever their order.
bool same_name(const DistinguishedName& a, const DistinguishedName& b);

// "C=JP, O=FicusOnline, CN=User-PC.local" in issuing order, for people.
std::string format_name(const DistinguishedName& name);

// Issuing order (C, ST, L, O, OU, CN, emailAddress; unknown types last).
DistinguishedName canonical_order(const DistinguishedName& name);

}  // namespace mosq::crypto
