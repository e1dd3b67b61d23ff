#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mosq::crypto {

enum class KeyType { rsa2048, rsa3072, rsa4096, ec_p256, ec_p384, ed25519 };

// "rsa2048", "ec-p256", ... as written in the spec.
std::string_view key_type_name(KeyType type);
std::optional<KeyType> parse_key_type(std::string_view name);

}  // namespace mosq::crypto
