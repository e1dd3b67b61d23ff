// Topic filters of ACL rules: what Mosquitto 2.0.11's acl_file parser
// accepts, and the stricter rule the spec holds its filters to, so that a
// rule can never be refused by the broker (which then drops ACL checking
// altogether at a reload: every client may then go everywhere).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mosq::spec {

constexpr std::size_t k_max_topic_bytes = 65535;
constexpr std::size_t k_max_topic_levels = 201;  // 2.0.11: at most 200 '/' (TOPIC_HIERARCHY_LIMIT)

// Why 2.0.11 refuses `filter` in an acl_file line (its
// mosquitto_sub_topic_check: '+' and '#' each a whole level, '#' the last,
// at most 65,535 bytes and 200 '/'), or nullopt.
std::optional<std::string> broker_topic_filter_problem(std::string_view filter);

// Why the spec refuses `filter`: the broker's rule above, and not empty,
// valid UTF-8, no NUL, no outer space (the parser trims it), and "%u" /
// "%c" only as a whole level and only in a pattern (elsewhere the broker
// takes them literally).
std::optional<std::string> acl_topic_problem(std::string_view filter, bool pattern);

}  // namespace mosq::spec
