#include "crypto/key_type.h"

#include <array>
#include <utility>

namespace mosq::crypto {
namespace {
constexpr std::array<std::pair<KeyType, std::string_view>, 6> k_names{{
    {KeyType::rsa2048, "rsa2048"},
    {KeyType::rsa3072, "rsa3072"},
    {KeyType::rsa4096, "rsa4096"},
    {KeyType::ec_p256, "ec-p256"},
    {KeyType::ec_p384, "ec-p384"},
    {KeyType::ed25519, "ed25519"},
}};
}  // namespace

std::string_view key_type_name(KeyType type) {
  for (const auto& [t, name] : k_names) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<KeyType> parse_key_type(std::string_view name) {
  for (const auto& [t, n] : k_names) {
    if (n == name) return t;
  }
  return std::nullopt;
}

}  // namespace mosq::crypto
