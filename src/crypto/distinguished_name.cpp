#include "crypto/distinguished_name.h"

#include <algorithm>
#include <cstddef>
#include <tuple>

namespace mosq::crypto {
namespace {

// Position of a type in issuing order; unknown types sort after all known ones.
std::size_t issuing_rank(const std::string& type) {
  const auto& order = supported_name_attributes();
  const auto it = std::find(order.begin(), order.end(), type);
  return static_cast<std::size_t>(it - order.begin());
}

bool by_type_then_value(const NameAttribute& a, const NameAttribute& b) {
  return std::tie(a.type, a.value) < std::tie(b.type, b.value);
}

}  // namespace

const std::vector<std::string>& supported_name_attributes() {
  static const std::vector<std::string> k_order{"C", "ST", "L", "O", "OU", "CN", "emailAddress"};
  return k_order;
}

bool same_name(const DistinguishedName& a, const DistinguishedName& b) {
  if (a.size() != b.size()) {
    return false;
  }
  DistinguishedName sorted_a = a;
  DistinguishedName sorted_b = b;
  std::sort(sorted_a.begin(), sorted_a.end(), by_type_then_value);
  std::sort(sorted_b.begin(), sorted_b.end(), by_type_then_value);
  return sorted_a == sorted_b;
}

std::string format_name(const DistinguishedName& name) {
  std::string out;
  for (const NameAttribute& attribute : canonical_order(name)) {
    if (!out.empty()) {
      out += ", ";
    }
    out += attribute.type;
    out += '=';
    out += attribute.value;
  }
  return out;
}

DistinguishedName canonical_order(const DistinguishedName& name) {
  DistinguishedName ordered = name;
  // Stable, so repeated types (two OUs) keep the order the spec gave them.
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const NameAttribute& a, const NameAttribute& b) {
                     return issuing_rank(a.type) < issuing_rank(b.type);
                   });
  return ordered;
}

}  // namespace mosq::crypto
