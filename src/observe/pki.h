// Observes the CA, server and client keys and certificates.
#pragma once

#include "observe/observed.h"
#include "observe/secrets.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::observe {

// Throws Error when the CA key cannot be opened with what the spec gives
// (encrypted without passphrase_env, wrong passphrase, or a corrupt key
// with a passphrase set): replacing a CA key on a guess would break trust.
ObservedPki observe_pki(const spec::Spec& spec, const ResolvedSecrets& secrets,
                        const FileSystem& fs, const Root& root);

}  // namespace mosq::observe
