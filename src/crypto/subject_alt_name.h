// subjectAltName entries as the spec writes them: "DNS:host.example",
// "IP:192.0.2.1", "IP:2001:db8::1". Canonical form: prefix upper-case,
// DNS name lower-case, IP addresses in inet_ntop form (so "IP:::0001" and
// "IP:::1" compare equal).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosq::crypto {

// The canonical text, or nullopt with *why set ("IP:1.2.3: not an IPv4 or
// IPv6 address", "DNS:a..b: empty label", "x: expected DNS: or IP:").
std::optional<std::string> canonical_subject_alt_name(std::string_view text, std::string* why);

// The same set of names (order-insensitive, duplicates ignored); entries are
// compared in canonical form.
bool same_subject_alt_names(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace mosq::crypto
