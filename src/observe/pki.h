// Observes the CA, server and client keys and certificates.
#pragma once

#include "crypto/certificate.h"
#include "observe/observed.h"
#include "observe/secrets.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::observe {

// Throws Error when the CA key cannot be opened with what the spec gives
// (encrypted without passphrase_env, wrong passphrase, or a corrupt key
// with a passphrase set): replacing a CA key on a guess would break trust.
// What a certificate file holds, read from its first certificate (parsed)
// and its text: the facts, whether there is more than that certificate's
// own PEM, and how many certificates. Shared by observe and the records
// apply makes of the same files (tool_state.h), so both read alike.
struct CertificateContent {
  crypto::CertificateFacts facts;
  bool extra_content = false;
  std::size_t certificates_in_file = 0;
};
CertificateContent certificate_content(const crypto::Certificate& cert, const std::string& pem);

ObservedPki observe_pki(const spec::Spec& spec, const ResolvedSecrets& secrets,
                        const FileSystem& fs, const Root& root);

}  // namespace mosq::observe
