// OpenSSL started for a run of the tool, before any other OpenSSL call.
#pragma once

#include <string_view>

namespace mosq::crypto {

// Initialises libcrypto as it would initialise itself (the system's
// openssl.cnf loaded, error strings kept for messages), with two
// differences:
// - It does not free its tables again at exit: the process is about to
//   end and the kernel takes its memory back. That clean-up was about 6%
//   of a no-op run's instructions (0.73M of 12.7M for the example). A
//   run's key material lives in our own wiped buffers (Secret) or in
//   OpenSSL's objects, which the run frees as before; only libcrypto's
//   global tables are left.
// - It does not fill OpenSSL's legacy table of cipher names
//   (OPENSSL_INIT_NO_ADD_ALL_CIPHERS). OpenSSL 3.0 copies that table into
//   its name map at the first algorithm fetch: with the ciphers, that
//   first fetch took 0.54 ms, without them 0.24 ms (a no-op plan of the
//   example takes about 3.3 ms). Every cipher this tool uses is fetched
//   from the providers, which name their own algorithms; but a fetched
//   cipher takes its NID (its OID in a PBES2 header) from the legacy
//   table, so AES-256-CBC, which keys are written with, is registered
//   there first. The one reader left that looks a cipher up in the legacy
//   table is a legacy PEM's "DEK-Info" header: know_legacy_pem_cipher()
//   registers that cipher. Digest names stay (certificate signatures are
//   checked by digest NID).
// Then it fetches SHA-256, so that a configuration that loads no provider
// with it fails here, said as such. Call once, first; later calls only
// look SHA-256 up again. Throws Error when OpenSSL cannot start: its config
// file refused, or no provider with SHA-256 loaded.
void start_openssl();

// Registers the provider's cipher `name` (the cipher of a legacy PEM's
// "DEK-Info: AES-256-CBC,<iv>" header) in OpenSSL's legacy table of cipher
// names, where the legacy PEM reader looks it up: see start_openssl. Does
// nothing for a name already there or one no provider has (the PEM reader
// then refuses the key as it would have). Thread-safe.
void know_legacy_pem_cipher(std::string_view name);

}  // namespace mosq::crypto
