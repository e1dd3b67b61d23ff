// Resolves the broker's owner/group names on this host. When the spec names
// none, the `mosquitto` user (Debian's broker user) is assumed if it exists:
// the broker drops to it before reading its files.
#pragma once

#include "observe/observed.h"
#include "spec/spec.h"

namespace mosq::observe {

Ownership resolve_ownership(const spec::Broker& broker);

// Whether a broker running as `ownership`'s user could enter a directory
// with this metadata (search permission).
bool broker_can_enter(const Ownership& ownership, const FileInfo& dir);

}  // namespace mosq::observe
