// OpenSSL started for a run of the tool, before any other OpenSSL call.
#pragma once

namespace mosq::crypto {

// Initialises libcrypto as it would initialise itself (the system's
// openssl.cnf loaded, error strings kept for messages), except that it
// does not free its tables again at exit: the process is about to end and
// the kernel takes its memory back. That clean-up was about 6% of a no-op
// run's instructions (0.73M of 12.7M for the example). A run's key
// material lives in our own wiped buffers (Secret) or in OpenSSL's
// objects, which the run frees as before; only libcrypto's global tables
// are left. Then fetches SHA-256 (the first fetch fills OpenSSL's name
// map, a run's largest OpenSSL start-up cost: it is paid here, once).
// Call once, first; later calls only look SHA-256 up again. Throws Error
// when OpenSSL cannot start: its config file refused, or no provider with
// SHA-256 loaded.
void start_openssl();

}  // namespace mosq::crypto
