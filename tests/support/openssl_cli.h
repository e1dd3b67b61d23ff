// The real `openssl` command, for cross-checking what the crypto layer makes.
#pragma once

#include <string>
#include <vector>

#include "crypto/key_type.h"
#include "support/process.h"

namespace mosq::test {

// Every key type the spec accepts.
const std::vector<crypto::KeyType>& all_key_types();

// `openssl args...` (stdin /dev/null, so nothing can prompt), stdout and
// stderr together in out.
ProcessResult openssl_combined(std::vector<std::string> args);

}  // namespace mosq::test
