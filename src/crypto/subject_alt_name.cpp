#include "crypto/subject_alt_name.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>
#include <set>

namespace mosq::crypto {
namespace {

constexpr std::size_t k_max_label = 63;
constexpr std::size_t k_max_name = 253;

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(text[i]) != ascii_lower(prefix[i])) {
      return false;
    }
  }
  return true;
}

bool is_ldh(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

void set_why(std::string* why, std::string message) {
  if (why != nullptr) {
    *why = std::move(message);
  }
}

// Letters, digits and inner hyphens, 1-63 characters (RFC 1123). `label`
// is already lower-case.
std::optional<std::string> label_problem(std::string_view label) {
  if (label.empty()) {
    return "empty label";
  }
  if (label.size() > k_max_label) {
    return "label longer than 63 characters";
  }
  if (label.front() == '-' || label.back() == '-') {
    return "label starts or ends with '-'";
  }
  for (char c : label) {
    if (c == '*') {
      return "'*' is only allowed as the whole first label (\"*.example.com\")";
    }
    if (!is_ldh(c)) {
      return "invalid character in a DNS name (letters, digits, '-' and '.' only)";
    }
  }
  return std::nullopt;
}

std::optional<std::string> canonical_dns(std::string_view original, std::string_view name,
                                         std::string* why) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
  if (lower.empty()) {
    set_why(why, std::string(original) + ": empty DNS name");
    return std::nullopt;
  }
  if (lower.size() > k_max_name) {
    set_why(why, std::string(original) + ": DNS name longer than 253 characters");
    return std::nullopt;
  }
  std::string_view rest = lower;
  if (rest.size() >= 2 && rest.substr(0, 2) == "*.") {
    rest.remove_prefix(2);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = rest.find('.', start);
    const std::string_view label =
        rest.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (auto problem = label_problem(label)) {
      set_why(why, std::string(original) + ": " + *problem);
      return std::nullopt;
    }
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return "DNS:" + lower;
}

std::optional<std::string> canonical_ip(std::string_view original, std::string_view address,
                                        std::string* why) {
  const std::string text(address);
  unsigned char bytes[16] = {};
  char printed[INET6_ADDRSTRLEN] = {};
  int family = 0;
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    family = AF_INET;
  } else if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    family = AF_INET6;
  } else {
    set_why(why, std::string(original) + ": not an IPv4 or IPv6 address");
    return std::nullopt;
  }
  if (inet_ntop(family, bytes, printed, sizeof printed) == nullptr) {
    set_why(why, std::string(original) + ": not an IPv4 or IPv6 address");
    return std::nullopt;
  }
  return std::string("IP:") + printed;
}

}  // namespace

std::optional<std::string> canonical_subject_alt_name(std::string_view text, std::string* why) {
  if (starts_with_ignoring_case(text, "DNS:")) {
    return canonical_dns(text, text.substr(4), why);
  }
  if (starts_with_ignoring_case(text, "IP:")) {
    return canonical_ip(text, text.substr(3), why);
  }
  set_why(why, std::string(text) + ": expected DNS: or IP:");
  return std::nullopt;
}

bool same_subject_alt_names(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // Entries that are not valid names (a certificate's URI: entry, say) are
  // compared as written.
  const auto canonical_set = [](const std::vector<std::string>& names) {
    std::set<std::string> out;
    for (const std::string& name : names) {
      out.insert(canonical_subject_alt_name(name, nullptr).value_or(name));
    }
    return out;
  };
  return canonical_set(a) == canonical_set(b);
}

}  // namespace mosq::crypto
