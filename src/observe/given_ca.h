// A CA made elsewhere (tls.ca.managed: false), e.g. once for a whole fleet
// on the Ansible control node: this host never creates, renews or replaces
// it, so it must be in place and sound before anything is issued under it.
#pragma once

#include "observe/ca_key.h"
#include "observe/observed.h"
#include "spec/spec.h"
#include "util/root.h"

namespace mosq::observe {

// Throws a located Error (nothing is written) when the certificate is
// missing, not a certificate, a bundle, or not a CA; when its key is there
// but does not open or does not match it; or when the server's or a
// client's subject equals its subject (OpenSSL 3 would take that
// certificate for self-signed). A key that is not there is no error: the
// plan shows what must be issued and apply refuses to issue it.
void check_given_ca(const spec::Spec& spec, const Root& root, const ObservedCertificate& ca_cert,
                    const CaKey& key);

}  // namespace mosq::observe
