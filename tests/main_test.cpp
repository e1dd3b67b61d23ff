// The test programs start OpenSSL as the tool does (crypto/openssl_start.h:
// no legacy cipher names among others), so what the tests exercise is the
// OpenSSL the tool runs with.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "crypto/openssl_start.h"

int main(int argc, char* argv[]) {
  mosq::crypto::start_openssl();
  return Catch::Session().run(argc, argv);
}
