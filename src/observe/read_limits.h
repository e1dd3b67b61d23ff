// The most mosq-reconcile reads of each kind of file (FileSystem::read's
// cap). Generous for real files, small enough that a wrong path (a disk
// image, /dev/zero behind a link) fails at once with the file named
// instead of filling memory.
#pragma once

#include <cstddef>

namespace mosq::observe {

constexpr std::size_t k_max_spec_bytes = 16u << 20;           // the spec: ~200,000 users
constexpr std::size_t k_max_password_file_bytes = 64u << 20;  // ~400,000 $7$ lines
constexpr std::size_t k_max_config_bytes = 1u << 20;          // the config snippet we render
constexpr std::size_t k_max_acl_file_bytes = 64u << 20;       // ~1,000,000 rules
constexpr std::size_t k_max_pem_bytes = 1u << 20;             // a key or certificate
constexpr std::size_t k_max_secret_bytes = 64u << 10;         // a password's source file
constexpr std::size_t k_max_state_bytes = 1u << 20;           // state.json

}  // namespace mosq::observe
