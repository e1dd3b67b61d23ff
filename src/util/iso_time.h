#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mosq {

// ISO 8601: "2026-12-01" (midnight UTC), "2026-12-01T10:00:00Z",
// "2026-12-01T10:00:00+09:00", "2026-12-01 10:00" (UTC). Unix seconds.
std::optional<std::int64_t> parse_iso_time(std::string_view text);

}  // namespace mosq
