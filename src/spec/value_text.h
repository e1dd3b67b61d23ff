// What a spec string may hold. Every string the spec gives can end up in a
// line-oriented file (the broker config, the password file, later the ACL
// file) or in a message, so one rule, applied by the YAML reader to every
// string value, keeps a value from ever adding a line, a comment or a
// field: no control characters, valid UTF-8, bounded length. Plain
// character checks only (no std::regex: libstdc++'s recurses per character
// and a 50,000-character value overflows the stack).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mosq::spec {

// Longest string value the spec takes (bytes): PATH_MAX, and far more than
// any name, subject or command needs.
constexpr std::size_t k_max_value_bytes = 4096;

// Why `value` cannot be a spec string, or nullopt: longer than max_bytes,
// not UTF-8, or holding a control character (C0, DEL or C1), named with
// its position ("a control character (U+000A, a line break) at byte 12").
std::optional<std::string> value_text_problem(std::string_view value,
                                              std::size_t max_bytes = k_max_value_bytes);

// Whether value starts or ends with a space (the broker trims both, so
// such a value would change meaning in its config).
bool has_outer_space(std::string_view value);

// Character classes, for readers that accept fewer characters.
bool is_ascii_digit(char c);
bool is_ascii_letter(char c);
// Every byte of value in [A-Za-z0-9] or in `extra`.
bool only_alnum_or(std::string_view value, std::string_view extra);

}  // namespace mosq::spec
