// The real `openssl` command, for cross-checking what the crypto layer makes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "crypto/key_type.h"
#include "support/process.h"

namespace mosq::test {

// Every key type the spec accepts.
const std::vector<crypto::KeyType>& all_key_types();

// `openssl args...` (stdin /dev/null, so nothing can prompt), stdout and
// stderr together in out.
ProcessResult openssl_combined(std::vector<std::string> args);

// P-256 keys as a hand-made setup may hold them, written by `openssl ec`
// into dir: {"compressed", file} with its point stored compressed, and
// {"explicit", file} with its curve spelled out (explicit parameters).
// REQUIREs that openssl made them.
std::vector<std::pair<std::string, std::string>> write_adopted_ec_keys(const std::string& dir);

}  // namespace mosq::test
