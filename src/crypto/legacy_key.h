// A legacy copy of a provider's key, for the encodings OpenSSL 3.0 makes
// slowly from a provider's key.
#pragma once

#include <openssl/evp.h>

#include "crypto/ossl_ptr.h"

namespace mosq::crypto {

// OpenSSL 3.0 encodes a provider's key (every key PrivateKey makes or
// loads) through an encoder chain it looks up again at every call, among
// every encoder of every provider: i2d_PUBKEY, PEM_write_bio_PKCS8PrivateKey
// and X509_set_pubkey (which also decodes the result back) cost 0.2-1.6 ms
// each, most of a greenfield apply's own work. A legacy copy (an EVP_PKEY
// holding an RSA or EC_KEY) takes its ASN.1 method's encoder instead, in
// microseconds, with the same bytes out (tests/crypto hold them equal for
// every key type and form).
//
// The copy is made for an RSA key, and for an EC key on a named curve with
// its point uncompressed: a copy would lose another EC form. For other keys
// (Ed25519, Ed448, other EC forms), or when the copy fails, it returns null
// and the caller uses the key itself. OpenSSL 3 hands a legacy key to the
// provider for any operation, so what is done with the copy runs where it
// would with the key.
//
// Safe on a key other threads are using: OpenSSL caches the export in the
// key under the key's own lock. EVP_PKEY_get1_RSA/EC_KEY are deprecated in
// OpenSSL 3, not removed.
EvpPkeyPtr legacy_copy(const EVP_PKEY* key);

}  // namespace mosq::crypto
